// Custom search attributes (registered by `npm start` from temporal.config.ts). Never personal data:
// search attributes are not encrypted.
import { defineSearchAttributeKey } from '@temporalio/common';

export const BundleCode = defineSearchAttributeKey('BundleCode', 'KEYWORD');
export const ApplicationNumber = defineSearchAttributeKey('ApplicationNumber', 'KEYWORD');
export const Departments = defineSearchAttributeKey('Departments', 'KEYWORD_LIST');
export const ApplicationStatus = defineSearchAttributeKey('ApplicationStatus', 'KEYWORD');
export const Overdue = defineSearchAttributeKey('Overdue', 'BOOL');
