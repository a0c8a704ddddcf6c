/** A progress line for long work on stderr: redrawn in place on a terminal, a line per tenth elsewhere (CI logs). */
export function progressLine(what: string, stream: NodeJS.WriteStream = process.stderr): (done: number, total: number) => void {
  const started = performance.now();
  let lastTenth = -1;
  return (done, total) => {
    const seconds = (performance.now() - started) / 1000;
    const rate = done / Math.max(seconds, 1e-3);
    const left = rate > 0 ? (total - done) / rate : 0;
    const line = `${what}: ${done.toLocaleString('en')}/${total.toLocaleString('en')} (${Math.round(rate).toLocaleString('en')}/s, ${done < total ? `about ${Math.ceil(left)} s left` : `${seconds.toFixed(1)} s`})`;
    if (stream.isTTY) stream.write(`\r${line}\u001b[K${done >= total ? '\n' : ''}`);
    else if (Math.floor((done * 10) / total) > lastTenth || done >= total) {
      lastTenth = Math.floor((done * 10) / total);
      stream.write(`${line}\n`);
    }
  };
}
