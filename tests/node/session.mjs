// One create -> poll -> download session with the official @runwayml/sdk, unmodified,
// against RUNWAYML_BASE_URL (run by tests/test_record_replay.py and test_record_steady.py
// through the recording proxy, then against the replay server).
// argv[2]: JSON {"prompt": string, "polls": number}. Prints one JSON line: the bodies seen.
import { createHash } from 'node:crypto';
import RunwayML from '@runwayml/sdk';

const { prompt = 'a red fox', polls = 10 } = JSON.parse(process.argv[2] || '{}');
const client = new RunwayML({ maxRetries: 0, timeout: 20_000 });
const created = await client.textToImage.create({ model: 'gen4_image', promptText: prompt, ratio: '1920:1080' });
const states = [];
for (let i = 0; i < polls; i += 1) {
  const task = await client.tasks.retrieve(created.id);
  states.push(task);
  if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(task.status)) break;
}
const files = [];
for (const url of states.at(-1).output ?? []) {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost') continue; // tests stay on loopback
  const resp = await fetch(url);
  files.push(createHash('sha256').update(Buffer.from(await resp.arrayBuffer())).digest('hex'));
}
await client.tasks.delete(created.id);
console.log(JSON.stringify({ created, states, files }));
