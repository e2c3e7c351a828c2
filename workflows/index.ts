// The only module the Worker bundles.
export { applicationWorkflow } from './application/workflow.js';
export { itemWorkflow } from './item/workflow.js';
export { postCheckWorkflow } from './post-check/workflow.js';
export { rectificationWorkflow } from './rectification/workflow.js';
export { ticketWorkflow } from './ticket/workflow.js';
