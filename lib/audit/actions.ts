/**
 * Every action the audit log records, with the label the Audit log pages show. Extend it by adding a line: the name
 * is stored as text, so old events keep their names when new ones arrive. Names are `<object>.<past tense>`.
 */
export const AUDIT_ACTIONS = {
  "endpoint.created": "Endpoint created",
  "endpoint.updated": "Endpoint updated",
  "endpoint.enabled": "Endpoint enabled",
  "endpoint.disabled": "Endpoint disabled",
  "endpoint.deleted": "Endpoint deleted",
  "endpoint.secret_rotated": "Signing secret rotated",
  "endpoint.secret_overlap_ended": "Old signing secret ended early",
  "endpoint.secret_revealed": "Signing secret revealed",
  "endpoint.verification_checked": "Signature verification checked",
  "endpoint.failing": "Endpoint failing",
  "endpoint.recovered": "Endpoint recovered",
  "operational_webhook.created": "Operational webhook created",
  "operational_webhook.updated": "Operational webhook updated",
  "operational_webhook.deleted": "Operational webhook deleted",
  "operational_webhook.secret_revealed": "Operational webhook secret revealed",
  "operational_webhook.secret_rotated": "Operational webhook secret rotated",
  "notifications.updated": "Alert preferences changed",
  "event.published": "Event published",
  "api_key.created": "API key created",
  "api_key.revoked": "API key revoked",
  "platform_key.created": "Platform key created",
  "platform_key.revoked": "Platform key revoked",
  "member.invited": "Member invited",
  "member.invitation_resent": "Invitation resent",
  "member.invitation_revoked": "Invitation revoked",
  "member.joined": "Member joined",
  "member.removed": "Member removed",
  "member.left": "Member left",
  "member.role_changed": "Member role changed",
  "member.provisioned": "Member added by a magic link",
  "portal_link.created": "Magic link created",
  "portal_session.opened": "Magic link opened",
  "organization.created": "Organization created",
  "organization.updated": "Organization updated",
  "organization.deactivated": "Organization deactivated",
  "organization.reactivated": "Organization reactivated",
  "organization.plan_changed": "Plan changed",
  "sign_in.succeeded": "Signed in",
  "sign_in.failed": "Sign-in failed",
  "session.ended": "Signed out",
  "session.others_ended": "Other sessions signed out",
  "password.reset_requested": "Password reset requested",
  "password.reset": "Password reset",
  "password.changed": "Password changed",
  "profile.email_change_requested": "Email change requested",
  "profile.email_changed": "Email changed",
  "email.resent": "Email resent",
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;
export const AUDIT_ACTION_NAMES = Object.keys(AUDIT_ACTIONS) as AuditAction[];

export function isAuditAction(value: string): value is AuditAction {
  return Object.hasOwn(AUDIT_ACTIONS, value);
}

/** The label for a stored action name (an action removed from the list since shows as its name). */
export function auditActionLabel(action: string): string {
  return isAuditAction(action) ? AUDIT_ACTIONS[action] : action;
}
