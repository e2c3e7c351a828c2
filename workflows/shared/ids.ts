// Workflow IDs from business keys, one helper per workflow (used by the API, the parent and tests).
export const applicationWorkflowId = (applicationId: string): string => `application:${applicationId}`;
export const itemWorkflowId = (applicationId: string, itemCode: string): string => `application:${applicationId}:item:${itemCode}`;
export const postCheckWorkflowId = (applicationId: string, itemCode: string): string => `application:${applicationId}:item:${itemCode}:post-check`;
export const rectificationWorkflowId = (evaluationId: string): string => `rectification:${evaluationId}`;
export const ticketWorkflowId = (ticketId: string): string => `ticket:${ticketId}`;
