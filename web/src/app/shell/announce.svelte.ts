/** Polite screen-reader announcements ("photo.jpg is ready", "x.jpg could not be read: ..."). */
class Announcer {
  message = $state('');
  private timer: ReturnType<typeof setTimeout> | undefined;
  private queue: string[] = [];

  say(text: string): void {
    this.queue.push(text);
    clearTimeout(this.timer);
    // Batch what arrives together so a screen reader hears one sentence per burst, not a flood.
    this.timer = setTimeout(() => {
      this.message = this.queue.join(' ');
      this.queue = [];
    }, 150);
  }
}

export const announcer = new Announcer();
