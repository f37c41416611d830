// Runs in a worker thread so the sending side does not share the event loop being measured.
import { parentPort, workerData } from 'node:worker_threads';
import { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';

const { frames } = workerData as { frames: number };
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('listening', () => parentPort!.postMessage({ port: (wss.address() as AddressInfo).port }));
wss.on('connection', async (ws) => {
  for (let i = 0; i < frames; i++) {
    const frame = JSON.stringify({
      socket_type: 'agent_event',
      socket_message: 'request_completed',
      socket_status: 1003,
      event_name: 'agent_action',
      agent_name: 'chat_bot_v3',
      agent_output:
        i % 2
          ? { output_type: 'llm', llm_response: `segment ${i} of the answer, said politely`, z_index: i }
          : { output_type: 'tts', tts_audio: `http://127.0.0.1/audio/${i}.mp3`, audio_seconds: 1.2, z_index: i },
    });
    if (ws.bufferedAmount > 4 * 1024 * 1024) await new Promise((r) => setTimeout(r, 1));
    ws.send(frame);
  }
  ws.close(1000, 'done');
});
parentPort!.on('message', (m) => {
  if (m === 'close') wss.close(() => process.exit(0));
});
