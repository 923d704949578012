import { CredentialsSignin } from "@auth/core/errors";

export const REFUSED_CODE_PREFIX = "refused:";

export type SignInRefusal = "no_organization" | "organization_deactivated";

/**
 * Thrown from `authorize` after a correct password when there is nowhere to sign in to: every organization of the
 * person is deactivated, or they belong to none any more. Auth.js hands only `code` on: `refused:<reason>`.
 */
export class SignInRefused extends CredentialsSignin {
  constructor(readonly reason: SignInRefusal) {
    super();
    this.code = `${REFUSED_CODE_PREFIX}${reason}`;
  }
}

/** What the login form says for each refusal (only ever shown after a correct password). */
export const REFUSAL_MESSAGES: Record<SignInRefusal, string> = {
  no_organization: "Your account is not a member of any organization any more. Ask an organization's owner to invite you again.",
  organization_deactivated: "Your organization has been deactivated, so nobody can sign in to it. Contact the platform's administrators.",
};
