// End-to-end check of Salvo's Files and Batches routes with the official `openai` npm package.
//
// Runs against a live `salvo serve` whose models answer as the test upstream of OpenAiSdkIT does:
//   - every model echoes: 200 with a chat.completion whose `echo` field holds
//     {custom_id, request: <the request body as received>} and whose message content is
//     "echo: <content of the last message>";
//   - a request whose custom_id contains "-reject-" is answered 400 with the OpenAI error envelope,
//     error.code "test_rejected" and the custom_id in error.message;
//   - the slow model (E2E_SLOW_MODEL) answers the same way, but only after E2E_SLOW_LATENCY_MS.
//
// Environment:
//   SALVO_BASE_URL         e.g. http://127.0.0.1:8080/v1                       (required)
//   SALVO_API_KEY          a key of a principal that owns nothing yet           (required)
//   SALVO_OTHER_API_KEY    a key of another principal (tenancy check; optional)
//   E2E_MODEL              fast model name (default "gen")
//   E2E_SLOW_MODEL         slow model name (default "slow")
//   E2E_REQUESTS           requests in the main batch (default 40)
//   E2E_REJECT_EVERY       every n-th request of the main batch is a "-reject-" one (default 7)
//   E2E_TIMEOUT_SECONDS    how long any one batch may take to settle (default 60)
//   E2E_POLL_MS            poll interval (default 200)
//   E2E_SLOW_LATENCY_MS    how long the slow model takes to answer (default 10000); a cancelled batch
//                          must settle well before that, as its in-flight calls are aborted
//
// Exits 0 when every check passed; otherwise prints what did not match and exits 1.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import OpenAI, { toFile, AuthenticationError, BadRequestError, NotFoundError } from 'openai';
import { VERSION } from 'openai/version';

const env = process.env;
const BASE_URL = required('SALVO_BASE_URL');
const API_KEY = required('SALVO_API_KEY');
const OTHER_API_KEY = env.SALVO_OTHER_API_KEY || null;
const MODEL = env.E2E_MODEL || 'gen';
const SLOW_MODEL = env.E2E_SLOW_MODEL || 'slow';
const REQUESTS = int('E2E_REQUESTS', 40);
const REJECT_EVERY = int('E2E_REJECT_EVERY', 7);
const TIMEOUT_MS = int('E2E_TIMEOUT_SECONDS', 60) * 1000;
const POLL_MS = int('E2E_POLL_MS', 200);
const SLOW_LATENCY_MS = int('E2E_SLOW_LATENCY_MS', 10_000);
const ENDPOINT = '/v1/chat/completions';

// No retries: a 5xx or a dropped connection must show up as a failure here, not be papered over.
const client = new OpenAI({ baseURL: BASE_URL, apiKey: API_KEY, maxRetries: 0, timeout: 30_000 });

class CheckFailed extends Error {}

function required(name) {
  const value = env[name];
  if (!value) {
    console.error(`batch-flow: the environment variable ${name} is required`);
    process.exit(2);
  }
  return value;
}

function int(name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number.parseInt(raw, 10);
  if (!Number.isFinite(value) || value < 0) {
    console.error(`batch-flow: ${name} must be a whole number, not '${raw}'`);
    process.exit(2);
  }
  return value;
}

function log(message) {
  console.log(`[batch-flow] ${message}`);
}

function check(condition, message) {
  if (!condition) throw new CheckFailed(message);
}

function checkEqual(actual, expected, what) {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new CheckFailed(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

function sameSet(actual, expected, what) {
  const seen = new Set();
  const duplicates = actual.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
  check(duplicates.length === 0, `${what}: duplicate ids ${JSON.stringify(duplicates)}`);
  const want = new Set(expected);
  const missing = [...want].filter((id) => !seen.has(id));
  const extra = [...seen].filter((id) => !want.has(id));
  check(missing.length === 0 && extra.length === 0,
    `${what}: missing ${JSON.stringify(missing)}, unexpected ${JSON.stringify(extra)}`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Rejects unless `promise` rejects with an instance of `type` carrying `status`; returns the error. */
async function expectError(promise, type, status, what) {
  try {
    const value = await promise;
    throw new CheckFailed(`${what}: expected ${type.name} (${status}), but it succeeded with ${JSON.stringify(value)}`);
  } catch (e) {
    if (e instanceof CheckFailed) throw e;
    check(e instanceof type, `${what}: expected ${type.name}, got ${e?.constructor?.name}: ${e?.message}`);
    checkEqual(e.status, status, `${what}: status`);
    check(e.error && typeof e.error.message === 'string' && e.error.message.length > 0,
      `${what}: the error envelope has no message: ${JSON.stringify(e.error)}`);
    return e;
  }
}

// ---------------------------------------------------------------------------------------------------
// Requests and their expected answers

function chatRequest(customId, model, content) {
  return {
    custom_id: customId,
    method: 'POST',
    url: ENDPOINT,
    body: {
      model,
      messages: [
        { role: 'system', content: 'You are a test.' },
        { role: 'user', content },
      ],
      max_tokens: 16,
      temperature: 0,
    },
  };
}

function jsonl(requests) {
  return requests.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

function parseJsonl(text, what) {
  return text.split('\n').filter((line) => line.trim() !== '').map((line, i) => {
    try {
      return JSON.parse(line);
    } catch (e) {
      throw new CheckFailed(`${what}, line ${i + 1} is not JSON (${e.message}): ${line.slice(0, 200)}`);
    }
  });
}

const isRejected = (customId) => customId.includes('-reject-');

/** An output-file line: the echo of exactly what was sent. */
function checkSuccessLine(line, request, what) {
  check(typeof line.id === 'string' && line.id.startsWith('batch_req_'), `${what}: id ${JSON.stringify(line.id)} is not batch_req_…`);
  checkEqual(line.error, null, `${what}: error`);
  const response = line.response;
  check(response && typeof response === 'object', `${what}: no response object`);
  checkEqual(response.status_code, 200, `${what}: response.status_code`);
  check(typeof response.request_id === 'string' && response.request_id.length > 0, `${what}: response.request_id missing`);
  const body = response.body;
  check(body && typeof body === 'object', `${what}: response.body is not an object: ${JSON.stringify(body)}`);
  checkEqual(body.object, 'chat.completion', `${what}: body.object`);
  checkEqual(body.model, request.body.model, `${what}: body.model`);
  checkEqual(body.echo?.custom_id, request.custom_id, `${what}: custom_id seen by the upstream`);
  checkEqual(body.echo?.request, request.body, `${what}: the request body the upstream received`);
  checkEqual(body.choices?.[0]?.message?.content, `echo: ${request.body.messages.at(-1).content}`, `${what}: answer`);
}

/** An error-file line for a request the upstream refused with a 400. */
function checkRejectedLine(line, request, what) {
  check(typeof line.id === 'string' && line.id.startsWith('batch_req_'), `${what}: id ${JSON.stringify(line.id)} is not batch_req_…`);
  checkEqual(line.error, null, `${what}: error (an HTTP answer belongs in response)`);
  const response = line.response;
  check(response && typeof response === 'object', `${what}: no response object`);
  checkEqual(response.status_code, 400, `${what}: response.status_code`);
  const error = response.body?.error;
  check(error && typeof error === 'object', `${what}: response.body has no error envelope: ${JSON.stringify(response.body)}`);
  checkEqual(error.code, 'test_rejected', `${what}: response.body.error.code`);
  checkEqual(error.type, 'invalid_request_error', `${what}: response.body.error.type`);
  check(String(error.message).includes(request.custom_id), `${what}: error message does not name the custom_id: ${error.message}`);
}

// ---------------------------------------------------------------------------------------------------
// Steps

async function upload(requests, name, options = {}) {
  const text = jsonl(requests);
  let file;
  if (options.fromDisk) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'salvo-e2e-'));
    const onDisk = path.join(dir, name);
    fs.writeFileSync(onDisk, text);
    file = await client.files.create({ file: fs.createReadStream(onDisk), purpose: 'batch', ...options.extra });
    fs.rmSync(dir, { recursive: true, force: true });
  } else {
    file = await client.files.create({ file: await toFile(Buffer.from(text, 'utf8'), name), purpose: 'batch', ...options.extra });
  }
  check(typeof file.id === 'string' && file.id.startsWith('file-'), `upload ${name}: id ${JSON.stringify(file.id)}`);
  checkEqual(file.object, 'file', `upload ${name}: object`);
  checkEqual(file.purpose, 'batch', `upload ${name}: purpose`);
  checkEqual(file.filename, name, `upload ${name}: filename`);
  checkEqual(file.bytes, Buffer.byteLength(text, 'utf8'), `upload ${name}: bytes`);
  checkEqual(file.status, 'processed', `upload ${name}: status`);
  check(Number.isInteger(file.created_at) && Math.abs(file.created_at - Date.now() / 1000) < 300,
    `upload ${name}: created_at ${file.created_at} is not Unix seconds of now`);
  const again = await client.files.retrieve(file.id);
  checkEqual(again, file, `files.retrieve(${file.id})`);
  const content = await (await client.files.content(file.id)).text();
  checkEqual(parseJsonl(content, `content of ${name}`), requests, `files.content(${file.id}) of the uploaded ${name}`);
  return file;
}

async function createBatch(file, metadata, extra = {}) {
  const batch = await client.batches.create({
    input_file_id: file.id,
    endpoint: ENDPOINT,
    completion_window: '24h',
    metadata,
    ...extra,
  });
  check(typeof batch.id === 'string' && batch.id.startsWith('batch_'), `batches.create: id ${JSON.stringify(batch.id)}`);
  check(/^req_[0-9a-f]{32}$/.test(batch._request_id ?? ''), `batches.create: _request_id ${JSON.stringify(batch._request_id)}`);
  checkEqual(batch.object, 'batch', 'batches.create: object');
  checkEqual(batch.endpoint, ENDPOINT, 'batches.create: endpoint');
  checkEqual(batch.input_file_id, file.id, 'batches.create: input_file_id');
  checkEqual(batch.completion_window, '24h', 'batches.create: completion_window');
  checkEqual(batch.metadata, metadata, 'batches.create: metadata');
  // A small batch may already be done by the time the answer is written: the daemon claims at once.
  check(['validating', 'in_progress', 'finalizing', 'completed'].includes(batch.status), `batches.create: status ${batch.status}`);
  check(Number.isInteger(batch.created_at), 'batches.create: created_at');
  checkEqual(batch.expires_at, batch.created_at + 24 * 3600, 'batches.create: expires_at');
  for (const field of ['errors', 'output_file_id', 'error_file_id', 'in_progress_at', 'finalizing_at', 'completed_at',
    'failed_at', 'expired_at', 'cancelling_at', 'cancelled_at', 'request_counts']) {
    check(field in batch, `batches.create: field '${field}' is absent (it must be present, null if unknown)`);
  }
  return batch;
}

async function waitFor(batchId, statuses, what) {
  const deadline = Date.now() + TIMEOUT_MS;
  let batch;
  for (;;) {
    batch = await client.batches.retrieve(batchId);
    if (statuses.includes(batch.status)) return batch;
    check(!['failed', 'expired', 'cancelled', 'completed'].includes(batch.status),
      `${what}: batch ${batchId} ended as '${batch.status}', expected ${statuses.join('/')}: ${JSON.stringify(batch)}`);
    check(Date.now() < deadline,
      `${what}: batch ${batchId} still '${batch.status}' after ${TIMEOUT_MS / 1000} s (counts ${JSON.stringify(batch.request_counts)})`);
    await sleep(POLL_MS);
  }
}

/** Salvo's merged-results extension (not in the SDK): polls until `done(lines)` holds. */
async function waitForResults(batchId, status, done, what) {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const response = await fetch(`${BASE_URL}/batches/${batchId}/results${status ? `?status=${status}` : ''}`,
      { headers: { Authorization: `Bearer ${API_KEY}` } });
    const text = await response.text();
    check(response.ok, `${what}: GET /batches/${batchId}/results answered ${response.status}: ${text}`);
    const lines = parseJsonl(text, `${what}: results`);
    if (done(lines)) return lines;
    check(Date.now() < deadline, `${what}: not reached within ${TIMEOUT_MS / 1000} s (${lines.length} rows)`);
    await sleep(POLL_MS);
  }
}

async function download(fileId, what) {
  if (fileId === null || fileId === undefined) return [];
  const response = await client.files.content(fileId);
  return parseJsonl(await response.text(), what);
}

/** Every custom_id of `requests` exactly once across output + error files, each with its expected content. */
async function checkResults(batch, requests, what) {
  const output = await download(batch.output_file_id, `${what} output file`);
  const errors = await download(batch.error_file_id, `${what} error file`);
  const byId = new Map(requests.map((r) => [r.custom_id, r]));
  const seen = new Set();
  const lineIds = new Set();
  for (const [name, lines, expectRejected] of [['output', output, false], ['error', errors, true]]) {
    for (const line of lines) {
      const request = byId.get(line.custom_id);
      check(request, `${what}: the ${name} file has a line for unknown custom_id ${JSON.stringify(line.custom_id)}`);
      check(!seen.has(line.custom_id), `${what}: custom_id ${line.custom_id} appears more than once across output and error files`);
      seen.add(line.custom_id);
      check(!lineIds.has(line.id), `${what}: line id ${line.id} appears twice`);
      lineIds.add(line.id);
      checkEqual(isRejected(line.custom_id), expectRejected,
        `${what}: custom_id ${line.custom_id} is in the ${name} file`);
      const where = `${what} ${name} line for ${line.custom_id}`;
      if (expectRejected) checkRejectedLine(line, request, where);
      else checkSuccessLine(line, request, where);
    }
  }
  const missing = requests.map((r) => r.custom_id).filter((id) => !seen.has(id));
  check(missing.length === 0, `${what}: no result line for ${JSON.stringify(missing)}`);
  return { output, errors };
}

function checkCompleted(batch, requests, what) {
  const rejected = requests.filter((r) => isRejected(r.custom_id)).length;
  checkEqual(batch.status, 'completed', `${what}: status`);
  checkEqual(batch.request_counts, { total: requests.length, completed: requests.length - rejected, failed: rejected },
    `${what}: request_counts`);
  for (const field of ['in_progress_at', 'finalizing_at', 'completed_at']) {
    check(Number.isInteger(batch[field]) && batch[field] >= batch.created_at, `${what}: ${field} = ${batch[field]}`);
  }
  for (const field of ['failed_at', 'expired_at', 'cancelling_at', 'cancelled_at', 'errors']) {
    checkEqual(batch[field], null, `${what}: ${field}`);
  }
  check(typeof batch.output_file_id === 'string' && batch.output_file_id.startsWith('file-'), `${what}: output_file_id`);
  if (rejected > 0) {
    check(typeof batch.error_file_id === 'string' && batch.error_file_id.startsWith('file-'), `${what}: error_file_id`);
  }
}

async function collect(iterable) {
  const items = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** Auto-pagination: the ids of every item, and how many pages it took. */
async function listAll(makePage) {
  const items = await collect(makePage());
  let pages = 0;
  for await (const page of (await makePage()).iterPages()) {
    pages += 1;
    check(page.data.length > 0 || pages === 1, `page ${pages} is empty although the previous one said has_more`);
  }
  return { items, ids: items.map((item) => item.id), pages };
}

// ---------------------------------------------------------------------------------------------------

async function main() {
  const started = Date.now();
  log(`SDK openai@${VERSION} against ${BASE_URL}: ${REQUESTS} requests, model '${MODEL}', slow model '${SLOW_MODEL}'`);

  // 0. Error paths that need nothing to exist.
  await expectError(new OpenAI({ baseURL: BASE_URL, apiKey: 'sk-not-a-key', maxRetries: 0 }).batches.list(),
    AuthenticationError, 401, 'a bad API key');
  const notFound = await expectError(client.batches.retrieve('batch_nonexistent'), NotFoundError, 404, "batches.retrieve('batch_nonexistent')");
  log(`unknown batch → ${notFound.constructor.name} ${notFound.status}: ${notFound.error.message}`);
  await expectError(client.files.retrieve('file-nonexistent'), NotFoundError, 404, "files.retrieve('file-nonexistent')");
  await expectError(client.files.content('file-00000000-0000-0000-0000-000000000000'), NotFoundError, 404,
    'files.content of an unknown file');
  await expectError(client.batches.create({ input_file_id: 'file-nonexistent', endpoint: ENDPOINT, completion_window: '24h' }),
    NotFoundError, 404, 'batches.create with an unknown input file');

  // A file with a bad third line is refused whole, naming the line.
  const bad = [chatRequest('ok-1', MODEL, 'fine'), chatRequest('ok-2', MODEL, 'fine')];
  const badText = jsonl(bad) + '{"custom_id": "broken", "method": "POST"\n';
  const badUpload = await expectError(client.files.create({ file: await toFile(Buffer.from(badText), 'broken.jsonl'), purpose: 'batch' }),
    BadRequestError, 400, 'uploading a file whose line 3 is not JSON');
  check(/line 3\b/i.test(badUpload.error.message), `the refusal does not name line 3: ${badUpload.error.message}`);
  await expectError(client.files.create({ file: await toFile(Buffer.from(jsonl([chatRequest('x', 'no-such-model', 'hi')])), 'x.jsonl'), purpose: 'batch' }),
    BadRequestError, 400, 'uploading a file that names a model this server does not serve');
  await expectError(client.files.create({ file: await toFile(Buffer.from('{}\n'), 'notes.txt'), purpose: 'assistants' }),
    BadRequestError, 400, "uploading with purpose 'assistants'");
  log('error paths: ok');

  // 1. The main batch: uploaded from disk with a stream, some requests rejected by the upstream.
  const requests = [];
  for (let i = 0; i < REQUESTS; i++) {
    const reject = REJECT_EVERY > 0 && i % REJECT_EVERY === REJECT_EVERY - 1;
    requests.push(chatRequest(`req-${reject ? 'reject-' : ''}${String(i).padStart(3, '0')}`, MODEL,
      `question #${i}: héllo wörld ✓ 🚀 "quoted" \\ back\nslash`));
  }
  const rejectedCount = requests.filter((r) => isRejected(r.custom_id)).length;
  const uploaded = [];
  const mainFile = await upload(requests, 'main-batch.jsonl', { fromDisk: true });
  uploaded.push(mainFile.id);
  checkEqual((await client.files.waitForProcessing(mainFile.id, { pollInterval: 100, maxWait: 10_000 })).status, 'processed',
    'files.waitForProcessing');
  const mainMetadata = { suite: 'openai-sdk-e2e', run: String(started) };
  const main = await createBatch(mainFile, mainMetadata);
  log(`main batch ${main.id}: ${requests.length} requests (${rejectedCount} to be rejected), status ${main.status}`);

  // 2. More small batches, so that both lists span several pages.
  const extras = [];
  for (let k = 0; k < 3; k++) {
    const small = [0, 1].map((j) => chatRequest(`extra-${k}-${j}`, MODEL, `extra ${k}/${j}`));
    const extra = k === 0
      ? { expires_after: { anchor: 'created_at', seconds: 3600 } }
      : {};
    const file = await upload(small, `extra-${k}.jsonl`, { extra });
    if (k === 0) {
      checkEqual(file.expires_at, file.created_at + 3600, 'expires_after[seconds] = 3600: expires_at');
    }
    uploaded.push(file.id);
    const options = k === 1 ? { output_expires_after: { anchor: 'created_at', seconds: 7200 } } : {};
    extras.push({ requests: small, batch: await createBatch(file, { suite: 'openai-sdk-e2e', extra: String(k) }, options) });
  }

  // A file uploaded and deleted again is gone everywhere.
  const doomed = await upload([chatRequest('doomed', MODEL, 'bye')], 'doomed.jsonl');
  const deleted = await client.files.delete(doomed.id);
  checkEqual(deleted, { id: doomed.id, object: 'file', deleted: true }, 'files.delete');
  await expectError(client.files.retrieve(doomed.id), NotFoundError, 404, 'files.retrieve of a deleted file');

  // 3. A batch on the slow model, cancelled while it runs.
  const slowRequests = Array.from({ length: 8 }, (_, i) => chatRequest(`slow-${i}`, SLOW_MODEL, `slow ${i}`));
  const slowFile = await upload(slowRequests, 'slow.jsonl');
  uploaded.push(slowFile.id);
  const slow = await createBatch(slowFile, { suite: 'openai-sdk-e2e', kind: 'cancel-me' });
  await waitFor(slow.id, ['in_progress'], 'slow batch starting');
  // Cancel only once calls are in flight (seen through Salvo's merged-results extension, plain fetch).
  const inFlight = await waitForResults(slow.id, 'in_progress', (lines) => lines.length > 0, 'slow batch calls in flight');
  const cancelStarted = Date.now();
  const cancelling = await client.batches.cancel(slow.id);
  checkEqual(cancelling.id, slow.id, 'batches.cancel: id');
  check(['cancelling', 'cancelled'].includes(cancelling.status), `batches.cancel: status ${cancelling.status}`);
  check(Number.isInteger(cancelling.cancelling_at), `batches.cancel: cancelling_at = ${cancelling.cancelling_at}`);
  const cancelled = await waitFor(slow.id, ['cancelled'], 'slow batch cancelling');
  const cancelMs = Date.now() - cancelStarted;
  check(cancelMs < SLOW_LATENCY_MS - 2000, `the cancelled batch took ${cancelMs} ms to settle: its in-flight calls `
    + `(${inFlight.length}) were not aborted but waited for (the slow model answers after ${SLOW_LATENCY_MS} ms)`);
  // In the merged results view nothing of a cancelled batch runs any more, and the aborted calls read canceled.
  const rows = await waitForResults(slow.id, '', () => true, 'results of the cancelled batch');
  sameSet(rows.map((l) => l.custom_id), slowRequests.map((r) => r.custom_id), 'rows of the cancelled batch');
  const rowStatus = new Map(rows.map((l) => [l.custom_id, l.status]));
  for (const line of inFlight) {
    checkEqual(rowStatus.get(line.custom_id), 'canceled', `cancelled batch: status of ${line.custom_id}, in flight at the cancel`);
  }
  const stillPending = rows.filter((l) => l.status === 'pending').length;
  for (const row of rows) {
    check(['canceled', 'pending', 'completed', 'failed'].includes(row.status),
      `cancelled batch: ${row.custom_id} is '${row.status}' after the batch was cancelled`);
  }
  check(Number.isInteger(cancelled.cancelled_at) && cancelled.cancelled_at >= cancelled.cancelling_at,
    `cancelled batch: cancelled_at = ${cancelled.cancelled_at}`);
  checkEqual(cancelled.request_counts.total, slowRequests.length, 'cancelled batch: request_counts.total');
  check(cancelled.request_counts.completed + cancelled.request_counts.failed < slowRequests.length,
    `cancelled batch: every request finished although it was cancelled: ${JSON.stringify(cancelled.request_counts)}`);
  // Whatever finished before the cancel is a correct result; nothing is there twice.
  const slowOut = await download(cancelled.output_file_id, 'cancelled batch output file');
  const slowErr = await download(cancelled.error_file_id, 'cancelled batch error file');
  const slowIds = [...slowOut, ...slowErr].map((l) => l.custom_id);
  check(new Set(slowIds).size === slowIds.length, `cancelled batch: a custom_id appears twice: ${JSON.stringify(slowIds)}`);
  const slowById = new Map(slowRequests.map((r) => [r.custom_id, r]));
  for (const line of slowOut) {
    check(slowById.has(line.custom_id), `cancelled batch output: unknown custom_id ${line.custom_id}`);
    checkSuccessLine(line, slowById.get(line.custom_id), `cancelled batch output line for ${line.custom_id}`);
  }
  for (const line of slowErr) {
    check(slowById.has(line.custom_id), `cancelled batch error file: unknown custom_id ${line.custom_id}`);
  }
  // The HTTP spec says cancelling a terminal batch is a 400; the storage port makes a repeated cancel a
  // no-op and the route answers 200 with the batch unchanged. Either is accepted; anything else is not.
  try {
    const again = await client.batches.cancel(slow.id);
    checkEqual(again, cancelled, 'cancelling a cancelled batch again (answered 200): the batch must be unchanged');
  } catch (e) {
    if (e instanceof CheckFailed) throw e;
    check(e instanceof BadRequestError && e.status === 400,
      `cancelling a cancelled batch again: expected 200 (unchanged) or BadRequestError 400, got ${e?.constructor?.name}: ${e?.message}`);
  }
  log(`slow batch ${slow.id}: cancelled ${cancelMs} ms after the cancel with ${inFlight.length} calls in flight, counts `
    + `${JSON.stringify(cancelled.request_counts)}, ${slowOut.length} output and ${slowErr.length} error lines`
    + (stillPending ? ` (the results view still says 'pending' for ${stillPending} never-started requests)` : ''));

  // 4. The main batch completes; every custom_id once, with the right content.
  const done = await waitFor(main.id, ['completed'], 'main batch');
  checkCompleted(done, requests, 'main batch');
  checkEqual(done.metadata, mainMetadata, 'main batch: metadata');
  checkEqual(done.input_file_id, mainFile.id, 'main batch: input_file_id');
  const { output, errors } = await checkResults(done, requests, 'main batch');
  log(`main batch ${main.id}: completed, ${output.length} output lines, ${errors.length} error lines, all custom_ids matched`);
  for (const [fileId, lines, name] of [[done.output_file_id, output, 'output'], [done.error_file_id, errors, 'error']]) {
    if (!fileId) continue;
    const file = await client.files.retrieve(fileId);
    checkEqual(file.purpose, 'batch_output', `${name} file purpose`);
    checkEqual(file.object, 'file', `${name} file object`);
    check(lines.length > 0, `${name} file is empty`);
  }
  await expectError(client.batches.cancel(main.id), BadRequestError, 400, 'cancelling a completed batch');

  const extraDone = [];
  for (const { requests: small, batch } of extras) {
    const finished = await waitFor(batch.id, ['completed'], `extra batch ${batch.id}`);
    checkCompleted(finished, small, `extra batch ${batch.id}`);
    await checkResults(finished, small, `extra batch ${batch.id}`);
    extraDone.push(finished);
  }

  // 5. Lists with the SDK's auto-pagination: exactly what was created, each once, over several pages.
  const allBatches = [done, cancelled, ...extraDone];
  const batchList = await listAll(() => client.batches.list({ limit: 2 }));
  sameSet(batchList.ids, allBatches.map((b) => b.id), 'batches.list auto-pagination');
  check(batchList.pages >= 3, `batches.list({limit: 2}) over ${allBatches.length} batches took ${batchList.pages} page(s)`);
  for (const b of batchList.items) {
    checkEqual(b.object, 'batch', `batches.list item ${b.id}: object`);
  }
  const listedMain = batchList.items.find((b) => b.id === done.id);
  checkEqual(listedMain, done, 'the main batch as listed and as retrieved');

  const inputs = await listAll(() => client.files.list({ limit: 2, purpose: 'batch' }));
  sameSet(inputs.ids, uploaded, "files.list({purpose: 'batch'}) auto-pagination");
  check(inputs.pages >= 3, `files.list({limit: 2, purpose: 'batch'}) over ${uploaded.length} files took ${inputs.pages} page(s)`);
  const createdAt = inputs.items.map((f) => f.created_at);
  check(createdAt.every((t, i) => i === 0 || createdAt[i - 1] >= t), `files.list default order is not newest first: ${createdAt}`);

  const generated = allBatches.flatMap((b) => [b.output_file_id, b.error_file_id]).filter((id) => id);
  const everything = await listAll(() => client.files.list({ limit: 3, order: 'asc' }));
  sameSet(everything.ids, [...uploaded, ...generated], 'files.list({order: asc}) auto-pagination');
  const ascending = everything.items.map((f) => f.created_at);
  check(ascending.every((t, i) => i === 0 || ascending[i - 1] <= t), `files.list order=asc is not oldest first: ${ascending}`);
  const outputs = await listAll(() => client.files.list({ limit: 2, purpose: 'batch_output' }));
  sameSet(outputs.ids, generated, "files.list({purpose: 'batch_output'}) auto-pagination");
  log(`lists: ${batchList.ids.length} batches in ${batchList.pages} pages, ${inputs.ids.length} input files in `
    + `${inputs.pages} pages, ${everything.ids.length} files in all`);

  // 6. Another principal sees none of it.
  if (OTHER_API_KEY) {
    const other = new OpenAI({ baseURL: BASE_URL, apiKey: OTHER_API_KEY, maxRetries: 0 });
    await expectError(other.batches.retrieve(done.id), NotFoundError, 404, "another principal's batches.retrieve");
    await expectError(other.files.content(done.output_file_id), NotFoundError, 404, "another principal's files.content");
    await expectError(other.batches.cancel(slow.id), NotFoundError, 404, "another principal's batches.cancel");
    checkEqual((await collect(other.batches.list({ limit: 2 }))).length, 0, "another principal's batches.list");
    checkEqual((await collect(other.files.list({ limit: 2 }))).length, 0, "another principal's files.list");
    log('tenancy: ok');
  }

  log(`all checks passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().then(
  () => process.exit(0),
  (e) => {
    if (e instanceof CheckFailed) {
      console.error(`[batch-flow] FAILED: ${e.message}`);
    } else {
      console.error(`[batch-flow] FAILED with an unexpected error: ${e?.constructor?.name}: ${e?.message}`);
      if (e?.status) console.error(`[batch-flow]   HTTP ${e.status} ${JSON.stringify(e.error)}`);
      console.error(e?.stack);
    }
    process.exit(1);
  },
);
