/**
 * The new-conversation alert of the inbox: a short two-tone chime made with WebAudio (no file to download) and a
 * browser notification when the agent allowed them.
 */
export function chime(): void {
  try {
    const AudioContextClass =
      window.AudioContext ??
      (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!AudioContextClass) return;
    const context = new AudioContextClass();
    const gain = context.createGain();
    gain.connect(context.destination);
    gain.gain.setValueAtTime(0.0001, context.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.2, context.currentTime + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, context.currentTime + 0.6);
    for (const [index, frequency] of [880, 1320].entries()) {
      const oscillator = context.createOscillator();
      oscillator.type = "sine";
      oscillator.frequency.value = frequency;
      oscillator.connect(gain);
      oscillator.start(context.currentTime + index * 0.15);
      oscillator.stop(context.currentTime + 0.3 + index * 0.15);
    }
    window.setTimeout(() => void context.close(), 1_000);
  } catch {
    // No audio (autoplay blocked before any click on the page): the badge and the notification remain.
  }
}

export function notify(title: string, body: string): void {
  if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
  try {
    new Notification(title, { body, tag: "visitor-chat-waiting" });
  } catch {
    // Some browsers allow notifications only from a service worker: the badge and the chime remain.
  }
}
