// Run mode's keys: F10 or Ctrl+Enter steps, Space plays or pauses,
// Ctrl+Shift+Enter runs to quiet. (F5, switching modes, is the editor's.)

export type RunKeyAction = 'step' | 'toggle' | 'quiet';

interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** Whether a key belongs to Run mode's controls (so the editor's own keys leave it alone). */
export function isRunKey(e: KeyLike): boolean {
  const mod = e.ctrlKey || e.metaKey;
  return e.key === 'F10' || e.key === ' ' || (mod && e.key === 'Enter');
}

/**
 * The control a key asks for. While people type in a field, Space and
 * Enter are theirs; F10 still steps.
 */
export function runKey(e: KeyLike, typing: boolean): RunKeyAction | null {
  if (e.altKey) return null;
  const mod = e.ctrlKey || e.metaKey;
  if (e.key === 'F10') return e.shiftKey ? 'quiet' : 'step';
  if (typing) return null;
  if (mod && e.key === 'Enter') return e.shiftKey ? 'quiet' : 'step';
  if (e.key === ' ' && !mod) return 'toggle';
  return null;
}
