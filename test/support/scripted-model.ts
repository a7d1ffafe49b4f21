/**
 * A scripted model server on 127.0.0.1 that the real Claude Code binary talks to, in both wire
 * formats it uses (verified in /work/shared/TESTING.md §1):
 *
 * - Anthropic Messages API: `POST /v1/messages?beta=true` (`stream: true`) answered with
 *   `text/event-stream` frames `event: <type>\ndata: <json>\n\n`.
 * - Amazon Bedrock: `GET /inference-profiles…` (any JSON) and
 *   `POST /model/<model-id>/invoke-with-response-stream` answered with
 *   `application/vnd.amazon.eventstream` messages (`:event-type=chunk`, payload
 *   `{"bytes": base64(JSON of the Anthropic event)}`).
 *
 * The script is a list of turns. Which turn answers a request is decided by the request itself:
 * turn N answers a request whose transcript already holds N assistant messages after the latest
 * user prompt (a user message that is not only tool results), so a resumed Claude session — whose
 * transcript starts with the earlier invocations — plays the script from its start. That keeps the
 * server stateless, so many conversations (concurrent invocations, several sessions) can share one
 * script. A turn may also be a function of the request (e.g. to write into the agent's working
 * directory, see {@link workingDirectory}).
 *
 * Usage:
 * ```ts
 * const model = await startScriptedModel();
 * model.setScript([toolTurn([write('/abs/a.txt', 'hi')]), textTurn('Done.')]);
 * // …run the agent with model.anthropicEnv() or model.bedrockEnv('us.anthropic…')
 * model.requests // what the binary sent: path, model id, system prompt, messages
 * ```
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

/** A tool call the scripted model makes. `input` is exactly what the tool receives. */
export interface ToolCall {
  name: string;
  input: Record<string, unknown>;
  /** Default: a generated `toolu_…` id. */
  id?: string;
}

/** One model response. */
export interface Turn {
  /** Text block (sent before any tool calls). */
  text?: string;
  /** Tool calls; when present the turn stops with `stop_reason: "tool_use"`, else `end_turn`. */
  tools?: ToolCall[];
  /** Wait this long (ms) before answering — to observe a run in progress. */
  delayMs?: number;
  /** Answer with this HTTP error instead of a stream (e.g. 401 to play bad credentials). */
  httpError?: { status: number; message: string };
  /**
   * Tokens the response reports (`message_start` carries the input side, `message_delta` the
   * output): Claude Code prices them (e.g. Claude Haiku 4.5 at $1 / $5 per million input / output
   * tokens), so a large count makes a run cross a `max_budget_usd`. Default 10 in, 5 out.
   */
  usage?: { input_tokens: number; output_tokens: number };
}

/** A turn, or a function choosing the turn from the request (e.g. to read the working directory). */
export type ScriptStep = Turn | ((request: RecordedRequest) => Turn);

/** What the binary sent in one model request. */
export interface RecordedRequest {
  api: 'anthropic' | 'bedrock';
  path: string;
  /** Model id: the body's `model` (Anthropic) or the URL's model id (Bedrock). */
  model: string;
  /** System prompt, text blocks joined by newlines. */
  system: string;
  /** The transcript as sent (Messages API `messages`). */
  messages: Array<{ role: string; content: unknown }>;
  /** Names of the tools offered to the model. */
  tools: string[];
  headers: IncomingMessage['headers'];
  /** Which script step answered (the count of assistant messages after the latest user prompt). */
  turnIndex: number;
}

export interface ScriptedModel {
  /** e.g. http://127.0.0.1:41234 — both ANTHROPIC_BASE_URL and ANTHROPIC_BEDROCK_BASE_URL. */
  url: string;
  /** Every model request received (not the inference-profile lookups), in arrival order. */
  requests: RecordedRequest[];
  /** Errors thrown while answering (e.g. by a script function); answered as HTTP 500, which the binary retries. */
  errors: unknown[];
  /** Replace the script (and clear `requests` and `errors`). */
  setScript(steps: ScriptStep[]): void;
  /** Environment for the Claude Code process in Anthropic API mode. */
  anthropicEnv(): Record<string, string>;
  /** Environment for the Claude Code process in Bedrock mode, with `modelId` as ANTHROPIC_MODEL. */
  bedrockEnv(modelId: string, region?: string): Record<string, string>;
  stop(): Promise<void>;
}

/** Turn helper: text then `end_turn`. */
export function textTurn(text: string, delayMs?: number): Turn {
  return { text, delayMs };
}

/** Turn helper: tool calls (optionally preceded by text), `stop_reason: "tool_use"`. */
export function toolTurn(tools: ToolCall[], text?: string, delayMs?: number): Turn {
  return { tools, text, delayMs };
}

/** A `Write` tool call (Claude Code's Write needs an absolute `file_path`). */
export function write(filePath: string, content: string): ToolCall {
  return { name: 'Write', input: { file_path: filePath, content } };
}

/** A `Bash` tool call. */
export function bash(command: string, description = 'run a command'): ToolCall {
  return { name: 'Bash', input: { command, description } };
}

/**
 * The agent's working directory as Claude Code states it to the model: "Primary working
 * directory: /path" in the environment section (Claude Code 2.1.x puts it in the system prompt or,
 * with the SDK's default prompt, in a system-reminder of the first user message). The path may
 * contain spaces, so the whole rest of the line is taken.
 * @throws Error when the request names none.
 */
export function workingDirectory(request: RecordedRequest): string {
  const pattern = /(?:Primary working directory|Working directory): ([^\n]+)/;
  const match = pattern.exec(request.system) ?? pattern.exec(messagesText(request.messages));
  if (!match?.[1]) throw new Error('No working directory in the request (system prompt or first user message).');
  return match[1].trim();
}

function messagesText(messages: RecordedRequest['messages']): string {
  return messages.map((m) => blockText(m.content)).join('\n');
}

/** The text of every `tool_result` block in the request's last user message. */
export function lastToolResults(request: RecordedRequest): Array<{ text: string; isError: boolean }> {
  const last = request.messages.at(-1);
  if (!last || !Array.isArray(last.content)) return [];
  return (last.content as Array<Record<string, unknown>>)
    .filter((block) => block.type === 'tool_result')
    .map((block) => ({ text: blockText(block.content), isError: block.is_error === true }));
}

function blockText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((c) => (typeof c?.text === 'string' ? c.text : '')).join('');
  return '';
}

/** Start the server on a free loopback port. */
export async function startScriptedModel(initial: ScriptStep[] = []): Promise<ScriptedModel> {
  let steps = initial;
  const requests: RecordedRequest[] = [];
  const errors: unknown[] = [];
  const codec = new EventStreamCodec(toUtf8, fromUtf8);

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      errors.push(error); if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: String(error) } }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname.startsWith('/inference-profile')) {
      sendJson(res, 200, { inferenceProfileSummaries: [] });
      return;
    }
    const bedrock = /^\/model\/([^/]+)\/invoke-with-response-stream$/.exec(url.pathname);
    const anthropic = url.pathname === '/v1/messages';
    if (req.method !== 'POST' || (!bedrock && !anthropic)) {
      sendJson(res, 404, { type: 'error', error: { type: 'not_found_error', message: `${req.method} ${url.pathname}` } });
      return;
    }
    const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    const messages = (body.messages ?? []) as RecordedRequest['messages'];
    const turnIndex = assistantTurnsSincePrompt(messages);
    const recorded: RecordedRequest = {
      api: bedrock ? 'bedrock' : 'anthropic',
      path: url.pathname + url.search,
      model: bedrock ? decodeURIComponent(bedrock[1] ?? '') : String(body.model ?? ''),
      system: systemText(body.system),
      messages,
      tools: Array.isArray(body.tools) ? (body.tools as Array<{ name?: string }>).map((t) => String(t.name)) : [],
      headers: req.headers,
      turnIndex,
    };
    requests.push(recorded);
    const step = steps[turnIndex];
    const turn: Turn = step === undefined
      ? { text: `(scripted model: no turn ${turnIndex} in a script of ${steps.length})` }
      : typeof step === 'function' ? step(recorded) : step;
    if (turn.delayMs) await new Promise((r) => setTimeout(r, turn.delayMs));
    if (turn.httpError) {
      sendJson(res, turn.httpError.status, { type: 'error', error: { type: 'api_error', message: turn.httpError.message } });
      return;
    }
    const events = streamEvents(turn, recorded.model);
    if (bedrock) {
      res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
      for (const event of events) {
        const bytes = Buffer.from(JSON.stringify(event)).toString('base64');
        res.write(codec.encode({
          headers: {
            ':event-type': { type: 'string', value: 'chunk' },
            ':content-type': { type: 'string', value: 'application/json' },
            ':message-type': { type: 'string', value: 'event' },
          },
          body: fromUtf8(JSON.stringify({ bytes })),
        }));
      }
    } else {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      for (const event of events) res.write(`event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`);
    }
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    requests,
    errors,
    setScript(next) {
      steps = next;
      requests.length = 0;
      errors.length = 0;
    },
    anthropicEnv() {
      return {
        ANTHROPIC_BASE_URL: url,
        ANTHROPIC_API_KEY: 'sk-ant-scripted-model',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      };
    },
    bedrockEnv(modelId, region = 'us-east-1') {
      return {
        CLAUDE_CODE_USE_BEDROCK: '1',
        AWS_REGION: region,
        ANTHROPIC_MODEL: modelId,
        ANTHROPIC_BEDROCK_BASE_URL: url,
        CLAUDE_CODE_SKIP_BEDROCK_AUTH: '1',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      };
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The Anthropic stream events for one turn, in wire order. */
export function streamEvents(turn: Turn, model: string): Array<Record<string, unknown>> {
  const usage = { input_tokens: turn.usage?.input_tokens ?? 10, output_tokens: turn.usage?.output_tokens ?? 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const events: Array<Record<string, unknown>> = [{
    type: 'message_start',
    message: {
      id: `msg_${randomUUID().replaceAll('-', '')}`, type: 'message', role: 'assistant', model,
      content: [], stop_reason: null, stop_sequence: null, usage,
    },
  }];
  let index = 0;
  if (turn.text !== undefined) {
    events.push(
      { type: 'content_block_start', index, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index, delta: { type: 'text_delta', text: turn.text } },
      { type: 'content_block_stop', index },
    );
    index += 1;
  }
  for (const tool of turn.tools ?? []) {
    const id = tool.id ?? `toolu_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
    events.push(
      { type: 'content_block_start', index, content_block: { type: 'tool_use', id, name: tool.name, input: {} } },
      { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(tool.input) } },
      { type: 'content_block_stop', index },
    );
    index += 1;
  }
  const stopReason = turn.tools?.length ? 'tool_use' : 'end_turn';
  events.push(
    { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } },
    { type: 'message_stop' },
  );
  return events;
}

function systemText(system: unknown): string {
  if (typeof system === 'string') return system;
  if (Array.isArray(system)) return system.map((b: { text?: string }) => b.text ?? '').join('\n');
  return '';
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Assistant messages after the latest user prompt: a user message with some content that is not a tool result. */
export function assistantTurnsSincePrompt(messages: Array<{ role: string; content: unknown }>): number {
  let count = 0;
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const message = messages[i]!;
    if (message.role === 'assistant') count += 1;
    else if (message.role === 'user' && isPrompt(message.content)) return count;
  }
  return count;
}

function isPrompt(content: unknown): boolean {
  if (typeof content === 'string') return true;
  if (!Array.isArray(content)) return false;
  return content.some((block) => typeof block === 'object' && block !== null && (block as { type?: string }).type !== 'tool_result');
}
