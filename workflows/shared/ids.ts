// Identifiers and workflow IDs.

/**
 * Every code the catalogue names things by (department, item, bundle, material, joint procedure):
 * up to 64 characters of A–Z a–z 0–9 and `-`, starting with a letter or digit — room for an agency's
 * 统一社会信用代码 (11320000014000019X), a code like 320115-SJJ or an 实施编码 (XK-320115-0001A).
 * One character stays allowed: item and material codes like `a` were valid before, and a stored
 * bundle must stay publishable. One definition: the API's schemas and the console take it from here.
 */
export const CODE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9-]{0,63}$';

// Workflow IDs from business keys, one helper per workflow (used by the API, the parent and tests).
export const applicationWorkflowId = (applicationId: string): string => `application:${applicationId}`;
export const itemWorkflowId = (applicationId: string, itemCode: string): string => `application:${applicationId}:item:${itemCode}`;
export const postCheckWorkflowId = (applicationId: string, itemCode: string): string => `application:${applicationId}:item:${itemCode}:post-check`;
export const rectificationWorkflowId = (evaluationId: string): string => `rectification:${evaluationId}`;
export const ticketWorkflowId = (ticketId: string): string => `ticket:${ticketId}`;
