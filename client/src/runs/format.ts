// Text for the progress notification (kept apart from the vscode-bound run manager so it is testable).

export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  const s = Math.max(1, Math.round(seconds));
  if (s < 60) return `${s}s left`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s left`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m left`;
}
