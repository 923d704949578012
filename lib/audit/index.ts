/**
 * The audit log: `recordAudit` appends who did what to which object, from where, with the changed fields (secrets
 * never). See README "Audit log".
 */
export { AUDIT_ACTIONS, AUDIT_ACTION_NAMES, auditActionLabel, isAuditAction, type AuditAction } from "./actions";
export { diffFields, recordAudit, sanitizeChanges, type AuditActor, type AuditInput, type AuditWriter } from "./record";
