/** An interruptible sleep: `wake()` ends the current wait at once (new work, a schedule tick, stop). */
export function createSleeper() {
  let wakeCurrent: (() => void) | null = null;
  let pending = false;
  return {
    sleep(ms: number): Promise<void> {
      if (pending) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise((resolve) => {
        const timer = setTimeout(done, ms);
        function done(): void {
          clearTimeout(timer);
          wakeCurrent = null;
          resolve();
        }
        wakeCurrent = done;
      });
    },
    wake(): void {
      if (wakeCurrent) wakeCurrent();
      else pending = true;
    },
  };
}
