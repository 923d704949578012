/** The schemas of Admin -> Operational webhooks' actions: the ones the platform API will use too (lib/operational). */
export {
  createOperationalEndpointSchema,
  operationalEndpointRefSchema,
  updateOperationalEndpointSchema,
} from "@/lib/operational/schemas";
