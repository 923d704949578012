"use client";

import { Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { deleteEndpointAction } from "@/app/(portal)/webhooks/actions";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { toast } from "@/components/ui/toast";

export function DeleteEndpoint({ id, url }: { id: string; url: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();

  function remove() {
    startTransition(async () => {
      const result = await deleteEndpointAction({ id });
      if (!result.ok) {
        toast.error("Could not delete the endpoint", result.error.message);
        return;
      }
      toast.success("Endpoint deleted", "Its delivery history stays in Logs.");
      router.push("/webhooks");
    });
  }

  return (
    <ConfirmButton
      destructive
      loading={pending}
      title="Delete this endpoint?"
      description={
        <>
          <span className="break-all font-mono">{url}</span> stops receiving events at once. Its delivery history stays
          readable in Logs. This cannot be undone.
        </>
      }
      confirmLabel="Delete endpoint"
      onConfirm={remove}
    >
      <Trash2 className="size-4" aria-hidden />
      Delete endpoint
    </ConfirmButton>
  );
}
