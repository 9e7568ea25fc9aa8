/**
 * The embedded model's worker is ended once it has had nothing to do for EMBEDDED_MODEL_IDLE_MINUTES, so a server
 * at rest gives its ~110 MB back, and the next embedding starts it again with the same vectors (issue 24: the idle
 * server). Its own file: the worker is per process.
 */
import { afterAll, describe, expect, it } from "vitest";
import {
  embeddedModelLoaded,
  embedWithEmbeddedModel,
  quantizedCosine,
  releaseEmbeddedModelWhenIdle,
  stopEmbeddedModel,
} from "~/server/chat/knowledge/embedded-model";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the embedded model released when idle", () => {
  afterAll(async () => {
    releaseEmbeddedModelWhenIdle(15 * 60_000);
    await stopEmbeddedModel();
  });

  it("ends the worker after the idle time, never while a job is waiting, and starts it again for the next text", async () => {
    releaseEmbeddedModelWhenIdle(400);
    const [first] = await embedWithEmbeddedModel(["How do I reset my password?"], { urgent: true });
    expect(embeddedModelLoaded()).toBe(true);

    // Jobs that keep coming within the idle time keep it.
    for (let round = 0; round < 3; round += 1) {
      await sleep(200);
      await embedWithEmbeddedModel([`question ${round}`], { urgent: true });
      expect(embeddedModelLoaded()).toBe(true);
    }
    // A long background job outlasts the idle time: the worker is not ended under it.
    const texts = Array.from(
      { length: 30 },
      (_, index) => `passage number ${index} about printers and backups`,
    );
    const vectors = await embedWithEmbeddedModel(texts);
    expect(vectors).toHaveLength(30);
    expect(embeddedModelLoaded()).toBe(true);

    await sleep(1000);
    expect(embeddedModelLoaded()).toBe(false);

    // Started again: the same text gives the same vector.
    const [again] = await embedWithEmbeddedModel(["How do I reset my password?"], { urgent: true });
    expect(embeddedModelLoaded()).toBe(true);
    expect(quantizedCosine(first!, again!)).toBeGreaterThan(0.99);
  }, 120_000);

  it("0 keeps it loaded", async () => {
    releaseEmbeddedModelWhenIdle(0);
    await embedWithEmbeddedModel(["keep me"], { urgent: true });
    await sleep(800);
    expect(embeddedModelLoaded()).toBe(true);
  }, 60_000);
});
