import { alertsSuite } from "./alerts";
import { auditSuite } from "./audit";
import { authSuite } from "./auth";
import { bodiesSuite } from "./bodies";
import { hostileSuite } from "./hostile";
import { peopleSuite } from "./people";
import { portalLinksSuite } from "./portal-links";
import { platformSuite } from "./platform";
import type { SecuritySuite } from "./kit";
import { tenantSuite } from "./tenant";
import { throttleSuite } from "./throttle";

/**
 * Every prove:security suite, in the order they run. A new suite is a new module here: `run` gets the app, the two
 * tenants and their ids (see SecurityContext in kit.ts) and reports through `ctx.check(suite, what)`.
 */
export const SUITES: SecuritySuite[] = [authSuite, tenantSuite, hostileSuite, bodiesSuite, auditSuite, throttleSuite, peopleSuite, alertsSuite, platformSuite, portalLinksSuite];
