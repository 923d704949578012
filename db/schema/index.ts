export * from "./organizations";
export * from "./users";
export * from "./login-attempts";
export * from "./webhooks";
export * from "./deliveries";
export * from "./workflows";
export * from "./api-keys";
