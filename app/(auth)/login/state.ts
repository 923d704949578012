export interface LoginState {
  email: string;
  error?: string;
  fieldErrors?: { email?: string; password?: string };
}

export const INITIAL_LOGIN_STATE: LoginState = { email: "" };
