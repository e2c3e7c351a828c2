-- One label per decision kind (DECISION_KINDS, issue #14 row 16): approvals were logged as 审批通过
-- where the console said 准予; the log now says 准予 throughout, old rows included.
UPDATE "case_events" SET "label" = replace("label", '审批通过', '准予') WHERE "kind" = 'decision' AND "label" LIKE '审批通过%';
