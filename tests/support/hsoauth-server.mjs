// Starts and stops the real hsoauth binary for the Node test suites (tests/browser, tests/clients).
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const binary = process.env.HSOAUTH_BINARY || join(repo, 'build', 'hsoauth');
export const adminKey = 'node-test-admin-key';

// Starts `hsoauth serve` on an ephemeral port (with `extraArgs` after the harness's flags); resolves
// with its plain base URL once it printed "listening on http://...". Rejects when the line does not
// come within 15 s or the process ends.
export function startServer(dir, extraArgs = []) {
  const args = ['serve', '--listen', '127.0.0.1:0', '--db', join(dir, 'db'), '--admin-key', adminKey,
    '--seed', join(repo, 'conf', 'seed.json'), ...extraArgs];
  // The flags fix the configuration; HSOAUTH_* variables of the caller's shell must not change it.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('HSOAUTH_')));
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => { output.stderr += chunk; });
  const ready = new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on" line within 15 s:\n${output.stdout}${output.stderr}`)), 15000);
    child.stdout.on('data', (chunk) => {
      output.stdout += chunk;
      const match = output.stdout.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (match) {
        clearTimeout(timer);
        resolvePromise(match[1]);
      }
    });
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`hsoauth exited (${code ?? signal}) before listening:\n${output.stdout}${output.stderr}`));
    });
  });
  return { child, output, ready };
}

// SIGTERM, then SIGKILL if it has not exited after 5 s.
export async function stopServer(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolvePromise) => child.once('exit', resolvePromise));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

