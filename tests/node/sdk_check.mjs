// Drives the official @runwayml/sdk, unmodified, against the emulator at RUNWAYML_BASE_URL.
// Prints one JSON line per step; exits non-zero on the first failure.
import RunwayML, { NotFoundError, BadRequestError } from '@runwayml/sdk';

const client = new RunwayML({ maxRetries: 0, timeout: 30_000 });
const results = [];

async function step(name, fn) {
  try {
    const detail = await fn();
    results.push({ name, ok: true, detail: detail ?? null });
  } catch (err) {
    results.push({ name, ok: false, error: String(err && err.stack ? err.stack : err) });
  }
}

function check(cond, message) {
  if (!cond) throw new Error(message);
}

async function lifecycle(resource, params, contentType) {
  const created = await client[resource].create(params);
  check(created.id && created.estimatedCost.credits > 0, 'create returns id and estimatedCost');
  const task = await client[resource].create(params).waitForTaskOutput({ timeout: 60_000 });
  check(task.status === 'SUCCEEDED', `task succeeded (${task.status})`);
  const file = await fetch(task.output[0]);
  check(file.status === 200, `output downloads (${file.status})`);
  check(file.headers.get('content-type') === contentType, `content type ${file.headers.get('content-type')}`);
  await client.tasks.delete(task.id);
  await client.tasks.delete(created.id);
  try {
    await client.tasks.retrieve(task.id);
    throw new Error('deleted task still readable');
  } catch (err) {
    check(err instanceof NotFoundError, 'deleted task gives NotFoundError');
  }
  return { id: task.id, outputs: task.output.length };
}

await step('organization.retrieve', async () => {
  const org = await client.organization.retrieve();
  check(Number.isInteger(org.creditBalance), 'creditBalance is an integer');
  check(org.tier.models['gen4_turbo'].maxConcurrentGenerations >= 1, 'tier limits present');
  return { creditBalance: org.creditBalance };
});

await step('validation error', async () => {
  try {
    await client.imageToVideo.create({ model: 'gen4_turbo', promptImage: 'http://x.com/a.jpg', ratio: '1280:720' });
    throw new Error('invalid request accepted');
  } catch (err) {
    check(err instanceof BadRequestError, 'BadRequestError');
    check(err.error.issues[0].path[0] === 'promptImage', 'issue names promptImage');
  }
});

const lifecycles = [
  ['imageToVideo', { model: 'gen4_turbo', promptImage: 'https://example.com/a.jpg', ratio: '1280:720', duration: 5 }, 'video/mp4'],
  ['textToVideo', { model: 'veo3.1', promptText: 'a forest', ratio: '1280:720', duration: 4 }, 'video/mp4'],
  ['videoToVideo', { model: 'aleph2', videoUri: 'https://example.com/in.mp4', promptText: 'snow' }, 'video/mp4'],
  ['textToImage', { model: 'gen4_image', promptText: 'a red fox', ratio: '1920:1080' }, 'image/png'],
  ['videoUpscale', { model: 'magnific_video_upscaler_creative', videoUri: 'https://example.com/in.mp4' }, 'video/mp4'],
  ['soundEffect', { model: 'eleven_text_to_sound_v2', promptText: 'thunder', duration: 3 }, 'audio/mpeg'],
];
await Promise.all(lifecycles.map(([resource, params, type]) =>
  step(`${resource}.create + waitForTaskOutput`, () => lifecycle(resource, params, type))));

// Resource checks added by later sections live in ./resources.mjs when present.
try {
  const extra = await import('./resources.mjs');
  await extra.default({ client, step, check });
} catch (err) {
  if (err && err.code !== 'ERR_MODULE_NOT_FOUND') throw err;
}

for (const r of results) console.log(JSON.stringify(r));
process.exit(results.every((r) => r.ok) ? 0 : 1);
