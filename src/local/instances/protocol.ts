/** Messages between the local stack and an instance's worker thread (./worker.ts). */
export type InstanceMessage =
  | { type: 'ready'; url: string; port: number; instanceId: string; functions: { name: string; kind: 'http' | 'mcpTool' }[] }
  | { type: 'failed'; error: string }
  | { type: 'log'; level: string; message: string }
  | { type: 'streams-ended' }
  | { type: 'closed'; error?: string };

export type ParentMessage =
  /** Where every instance's host listens, by its MCP extension instance id (for the legacy SSE relay). */
  { type: 'peers'; peers: Record<string, string> } | { type: 'end-streams' } | { type: 'close' };
