// Every other resource method @runwayml/sdk exposes, against the emulator.
// Emulator time is moved with its control API (POST /_mock/clock) instead of waiting.
import { NotFoundError, toFile } from '@runwayml/sdk';

const IMG = 'https://example.com/still.png';
const VID = 'https://example.com/clip.mp4';
const AUD = 'https://example.com/voice.mp3';

export default async function resources({ client, step, check }) {
  const base = client.baseURL.replace(/\/$/, '');
  const advance = async (seconds) => {
    const r = await fetch(`${base}/_mock/clock`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advance: seconds }),
    });
    check(r.ok, `clock advance ${r.status}`);
  };
  const finish = async (id) => {
    for (let i = 0; i < 50; i++) {
      const task = await client.tasks.retrieve(id);
      if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(task.status)) return task;
      await advance(60);
    }
    throw new Error(`task ${id} never finished`);
  };
  const collect = async (page) => {
    const out = [];
    for await (const item of page) out.push(item);
    return out;
  };
  const gone = async (fn, what) => {
    try {
      await fn();
    } catch (err) {
      check(err instanceof NotFoundError, `${what}: NotFoundError`);
      return;
    }
    throw new Error(`${what} still readable after delete`);
  };

  const creates = [
    ['characterPerformance.create', () => client.characterPerformance.create({ model: 'act_two', character: { type: 'image', uri: IMG }, reference: { type: 'video', uri: VID } })],
    ['textToSpeech.create', () => client.textToSpeech.create({ model: 'eleven_multilingual_v2', promptText: 'Hello', voice: { type: 'runway-preset', presetId: 'Maya' } })],
    ['voiceIsolation.create', () => client.voiceIsolation.create({ model: 'eleven_voice_isolation', audioUri: AUD })],
    ['voiceDubbing.create', () => client.voiceDubbing.create({ model: 'eleven_voice_dubbing', audioUri: AUD, targetLang: 'es' })],
    ['speechToSpeech.create', () => client.speechToSpeech.create({ model: 'eleven_multilingual_sts_v2', media: { type: 'audio', uri: AUD }, voice: { type: 'runway-preset', presetId: 'Rachel' } })],
    ['imageUpscale.create', () => client.imageUpscale.create({ model: 'magnific_precision_upscaler_v2', imageUri: IMG })],
    ['videoToHdr.create', () => client.videoToHdr.create({ model: 'ruby', videoUri: VID })],
    ['avatarVideos.create', () => client.avatarVideos.create({ model: 'gwm1_avatars', avatar: { type: 'runway-preset', presetId: 'influencer' }, speech: { type: 'text', text: 'Hi!' } })],
    ['recipes.adLocalization', () => client.recipes.adLocalization({ version: '2026-06', referenceImage: { uri: IMG }, targetLanguage: 'fr' })],
    ['recipes.marketingStockImage', () => client.recipes.marketingStockImage({ version: '2026-06', prompt: 'a cafe' })],
    ['recipes.multiShotVideo', () => client.recipes.multiShotVideo({ version: '2026-06', mode: 'auto', prompt: 'a beach day' })],
    ['recipes.productAd', () => client.recipes.productAd({ version: '2026-06', productImages: [{ uri: IMG }] })],
    ['recipes.productCampaignImage', () => client.recipes.productCampaignImage({ version: '2026-06', image: { uri: IMG }, prompt: 'sale' })],
    ['recipes.productSwap', () => client.recipes.productSwap({ version: '2026-06', newProductImages: [{ uri: IMG }], originalProductImage: { uri: IMG }, referenceVideo: { uri: VID } })],
    ['recipes.productUgc', () => client.recipes.productUgc({ version: '2026-06', characterImage: { uri: IMG }, productImage: { uri: IMG } })],
  ];
  for (const [name, call] of creates) {
    await step(name, async () => {
      const created = await call();
      const task = await finish(created.id);
      check(task.status === 'SUCCEEDED', `${name} succeeded (${task.status})`);
      await client.tasks.delete(created.id);
      return { outputs: task.output.length };
    });
  }

  await step('uploads.createEphemeral', async () => {
    const bytes = Buffer.alloc(2048, 7);
    const upload = await client.uploads.createEphemeral({ file: await toFile(bytes, 'frame.png') });
    check(upload.uri.startsWith('runway://'), 'runway:// uri');
    const task = await client.imageToVideo.create({ model: 'gen4_turbo', promptImage: upload.uri, ratio: '1280:720' });
    check(task.id, 'upload accepted as promptImage');
  });

  await step('organization.retrieveUsage + webapp', async () => {
    const today = new Date(Date.now()).toISOString().slice(0, 10);
    const usage = await client.organization.retrieveUsage({ startDate: today });
    check(Array.isArray(usage.results), 'usage results');
    const now = new Date();
    const from = new Date(now.getTime() - 7 * 86400e3).toISOString();
    check((await collect(client.organization.webapp.listUsage({ limit: 5, from, to: now.toISOString() }))).length === 0, 'web usage empty');
    check((await collect(client.organization.webapp.auditLogs.list({ limit: 5 }))).length === 0, 'audit logs empty');
    await gone(() => client.organization.webapp.auditLogs.retrieve('00000000-0000-4000-8000-000000000000'), 'audit log');
  });

  await step('documents', async () => {
    const doc = await client.documents.create({ name: 'FAQ', content: 'Open nine to five.' });
    check((await client.documents.retrieve(doc.id)).content === 'Open nine to five.', 'content');
    await client.documents.update(doc.id, { name: 'FAQ 2' });
    const all = await collect(client.documents.list({ limit: 1 }));
    check(all.some((d) => d.id === doc.id && d.name === 'FAQ 2'), 'listed with new name');
    await client.documents.delete(doc.id);
    await gone(() => client.documents.retrieve(doc.id), 'document');
  });

  await step('avatars, realtime sessions and conversations', async () => {
    const avatar = await client.avatars.create({ name: 'Ada', personality: 'Kind guide.', referenceImage: IMG, voice: { type: 'runway-live-preset', presetId: 'clara' } });
    await advance(600);
    check((await client.avatars.retrieve(avatar.id)).status === 'READY', 'avatar ready');
    check((await client.avatars.update(avatar.id, { name: 'Ada 2' })).name === 'Ada 2', 'update');
    check((await collect(client.avatars.list({ limit: 1 }))).some((a) => a.id === avatar.id), 'listed');
    const session = await client.realtimeSessions.create({ model: 'gwm1_avatars', avatar: { type: 'custom', avatarId: avatar.id } });
    await advance(60);
    const ready = await client.realtimeSessions.retrieve(session.id);
    check(ready.status === 'READY', `session ready (${ready.status})`);
    const joined = await fetch(`${base}/v1/realtime_sessions/${session.id}/consume`, {
      method: 'POST', body: '{}',
      headers: { authorization: `Bearer ${ready.sessionKey}`, 'x-runway-version': '2024-11-06', 'content-type': 'application/json' },
    });
    check(joined.ok, `consume ${joined.status}`);
    await advance(3600);
    check((await client.realtimeSessions.retrieve(session.id)).status === 'COMPLETED', 'session completed');
    const conversations = await collect(client.avatarConversations.list({ limit: 5 }));
    check(conversations.length >= 1, 'conversation recorded');
    check((await client.avatarConversations.retrieve(conversations[0].id)).id === conversations[0].id, 'conversation detail');
    await client.avatarConversations.delete(conversations[0].id);
    await gone(() => client.avatarConversations.retrieve(conversations[0].id), 'conversation');
    const end = new Date(Date.now() + 30 * 86400e3);
    const usage = await client.avatars.getUsage({ startDate: new Date(end - 60 * 86400e3).toISOString(), endDate: end.toISOString() });
    check(usage.totalSessions >= 1, 'avatar usage counts the session');
    const second = await client.realtimeSessions.create({ model: 'gwm1_avatars', avatar: { type: 'runway-preset', presetId: 'cooking-teacher' } });
    await client.realtimeSessions.delete(second.id);
    await client.avatars.delete(avatar.id);
    await gone(() => client.avatars.retrieve(avatar.id), 'avatar');
  });

  await step('voices', async () => {
    const voice = await client.voices.create({ name: 'Narrator', from: { type: 'text', prompt: 'A warm and calm narrator voice', model: 'eleven_multilingual_ttv_v2' } });
    await advance(600);
    check((await client.voices.retrieve(voice.id)).status === 'READY', 'voice ready');
    check((await client.voices.update(voice.id, { name: 'N2' })).name === 'N2', 'update');
    check((await collect(client.voices.list({ limit: 1 }))).some((v) => v.id === voice.id), 'listed');
    const preview = await client.voices.preview({ prompt: 'A bright and cheerful advert voice', model: 'eleven_multilingual_ttv_v2' });
    check((await fetch(preview.url)).ok, 'preview downloads');
    await client.voices.delete(voice.id);
    await gone(() => client.voices.retrieve(voice.id), 'voice');
  });

  await step('routers and generate', async () => {
    const router = await client.routers.create({ slug: 'node-router' });
    check((await client.routers.retrieve(router.id)).slug === 'node-router', 'retrieve');
    check((await client.routers.update(router.id, { name: 'Node' })).name === 'Node', 'update');
    check((await collect(client.routers.list({ limit: 1 }))).some((r) => r.id === router.id), 'listed');
    const routed = [
      await client.generate.video.create({ configId: 'node-router', input: { promptText: 'a calm sea' } }),
      await client.generate.image.create({ configId: 'node-router', input: { promptText: 'a lighthouse' } }),
      await client.generate.audio.create({ configId: 'node-router', input: { type: 'audio', promptText: 'gulls' } }),
    ];
    for (const r of routed) check((await finish(r.id)).status === 'SUCCEEDED', `routed ${r.routing.model}`);
    check((await collect(client.routers.listRequests(router.id, { limit: 2 }))).length === 3, 'request log');
    await client.routers.delete(router.id);
    await gone(() => client.routers.retrieve(router.id), 'router');
  });

  await step('workflows', async () => {
    const workflows = await client.workflows.list();
    const id = workflows.data[0].versions[0].id;
    check((await client.workflows.retrieve(id)).id === id, 'retrieve');
    const invocation = await client.workflows.run(id, {});
    await advance(3600);
    check((await client.workflowInvocations.retrieve(invocation.id)).status === 'SUCCEEDED', 'invocation succeeded');
  });
}
