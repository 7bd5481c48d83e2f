export * from './accounts.js';
export * from './activities.js';
export * from './audit.js';
export * from './contacts.js';
export * from './deals.js';
export * from './leads.js';
export * from './pipelines.js';
export * from './tenancy.js';
