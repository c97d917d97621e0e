/**
 * A microphone's loudness, 0..1, read from an analyser whenever asked (the pre-join meter, our own
 * voice activity). One AudioContext per meter; closed with it.
 */
export class LevelMeter {
  readonly #context: AudioContext;
  readonly #analyser: AnalyserNode;
  readonly #samples: Float32Array<ArrayBuffer>;

  constructor(stream: MediaStream) {
    this.#context = new AudioContext();
    const source = this.#context.createMediaStreamSource(stream);
    this.#analyser = this.#context.createAnalyser();
    this.#analyser.fftSize = 512;
    this.#samples = new Float32Array(this.#analyser.fftSize);
    source.connect(this.#analyser);
    void this.#context.resume().catch(() => undefined);
  }

  level(): number {
    this.#analyser.getFloatTimeDomainData(this.#samples);
    let sum = 0;
    for (const s of this.#samples) sum += s * s;
    const rms = Math.sqrt(sum / this.#samples.length);
    // Speech sits around 0.02–0.2 RMS; a square root spreads it over the meter.
    return Math.min(1, Math.sqrt(rms) * 1.4);
  }

  close(): void {
    void this.#context.close().catch(() => undefined);
  }
}
