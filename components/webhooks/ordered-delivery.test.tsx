import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import type { EndpointView } from "@/lib/endpoints/operations";
import { OrderedQueueCard } from "./ordered-queue";

// The form's server actions and router are not called while rendering; stand-ins keep the database out of a unit test.
vi.mock("@/app/(portal)/webhooks/actions", () => ({ createEndpointAction: vi.fn(), updateEndpointAction: vi.fn() }));
vi.mock("next/navigation", () => ({ useRouter: () => ({ push: vi.fn(), refresh: vi.fn() }) }));

const { EndpointForm } = await import("./endpoint-form");

/** The switch the label "Ordered delivery" names, read from the markup. */
function orderedSwitch(html: string): { checked: string; describedBy: string; hint: string } {
  const label = /<label[^>]*for="([^"]+)"[^>]*>Ordered delivery<\/label>/.exec(html);
  expect(label, "a label named Ordered delivery").not.toBeNull();
  const button = new RegExp(`<button[^>]*id="${label![1]}"[^>]*>`).exec(html)?.[0] ?? "";
  expect(button).toContain('role="switch"');
  const describedBy = /aria-describedby="([^"]+)"/.exec(button)?.[1] ?? "";
  const hint = new RegExp(`<p[^>]*id="${describedBy}"[^>]*>([^<]*)</p>`).exec(html)?.[1] ?? "";
  return { checked: /aria-checked="(true|false)"/.exec(button)?.[1] ?? "", describedBy, hint };
}

describe("Ordered delivery in the endpoint form", () => {
  it("is a labelled switch, off for a new endpoint, with a line that says what it does", () => {
    const html = renderToStaticMarkup(<EndpointForm events={[]} />);
    const s = orderedSwitch(html);
    expect(s.checked).toBe("false");
    expect(s.hint).toContain("One event at a time, in the order they were published");
    expect(s.hint).toContain("a failing event holds up the ones behind it");
  });

  it("shows an ordered endpoint's setting when editing it", () => {
    const endpoint = {
      id: "ep_1",
      url: "https://receiver.test/hook",
      description: "",
      eventTypes: null,
      headers: [],
      timeoutSeconds: 30,
      maxRetries: 3,
      rateLimitPerSecond: null,
      ordered: true,
      alertEmails: [],
    } as unknown as EndpointView;
    expect(orderedSwitch(renderToStaticMarkup(<EndpointForm events={[]} endpoint={endpoint} />)).checked).toBe("true");
  });
});

describe("OrderedQueueCard", () => {
  it("names the queue head (linked to its delivery, with its attempts and next retry) and how many wait behind it", () => {
    const html = renderToStaticMarkup(
      <OrderedQueueCard
        queue={{
          enforced: true,
          head: {
            deliveryId: "dlv_abc",
            eventId: "evt_1",
            eventType: "credential.claimed",
            status: "pending",
            attempts: 2,
            nextAttemptAt: new Date(Date.now() + 60_000).toISOString(),
          },
          waiting: 7,
        }}
      />,
    );
    expect(html).toContain("Queue head");
    expect(html).toContain('href="/webhooks/logs/dlv_abc"');
    expect(html).toContain("credential.claimed");
    expect(html).toContain("2 attempts");
    expect(html).toContain(", next");
    expect(html).toMatch(/data-testid="ordered-queue-waiting"[^>]*>7</);
  });

  it("says so when nothing waits, and when the engine (Inngest) does not keep the order", () => {
    expect(renderToStaticMarkup(<OrderedQueueCard queue={{ enforced: true, head: null, waiting: 0 }} />)).toContain("Nothing is waiting");
    const inngest = renderToStaticMarkup(<OrderedQueueCard queue={{ enforced: false, head: null, waiting: 0 }} />);
    expect(inngest).toContain("does not keep this order");
    expect(inngest).not.toContain("Queue head");
  });
});
