// AudioWorklet: forwards the microphone's first channel to the main thread in ~20 ms blocks (at the context rate).
// Resampling and PCM16 framing happen on the main thread (pcm.ts) so the same code serves microphone and file input.
class PcmCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.block = new Float32Array(Math.round(sampleRate / 50));
    this.fill = 0;
  }
  process(inputs) {
    const input = inputs[0];
    if (input && input.length) {
      const ch = input[0];
      for (let i = 0; i < ch.length; i++) {
        this.block[this.fill++] = ch[i];
        if (this.fill === this.block.length) {
          this.port.postMessage(this.block.slice());
          this.fill = 0;
        }
      }
    }
    return true;
  }
}
registerProcessor('parley-pcm-capture', PcmCapture);
