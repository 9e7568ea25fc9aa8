"use client";

import { TRPCReactProvider } from "~/trpc/react";
import type { WidgetOptions } from "./options";
import { WidgetApp } from "./widget-app";
import "./widget.css";

export function WidgetRoot({ options }: { options: WidgetOptions }) {
  return (
    <TRPCReactProvider>
      <WidgetApp options={options} />
    </TRPCReactProvider>
  );
}
