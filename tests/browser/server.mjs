// A tiny static file server for the generated site (SITE_PUBLIC), on 127.0.0.1 and a free port.
// By default it sends the Content-Security-Policy the site's `_headers` file gives, as Netlify or
// Cloudflare Pages would, so a violation shows up in the browser exactly as it would there; with
// `{ headers: false }` it sends no policy and no security header at all (only Content-Type and
// Content-Length), as GitHub Pages or a bare nginx would, so that only the pages' own
// <meta> policy protects them. Unknown paths get /404.html.

import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The Content-Security-Policy header that `root/_headers` sets for every path. */
export function headerPolicy(root = sitePublic()) {
  const file = path.join(root, '_headers');
  const m = /^\s+Content-Security-Policy:\s*(.+)$/m.exec(readFileSync(file, 'utf8'));
  if (!m) throw new Error(`${file}: no Content-Security-Policy line`);
  return m[1].trim();
}

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.bin': 'application/octet-stream',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.pdf': 'application/pdf',
};

/** The published site's root, from SITE_PUBLIC (default: the workspace's public/). */
export function sitePublic() {
  return path.resolve(
    process.env.SITE_PUBLIC || path.join(import.meta.dirname, '..', '..', 'public'),
  );
}

export function mimeType(file) {
  return MIME[path.extname(file).toLowerCase()] || 'application/octet-stream';
}

/** Resolves a URL path to a file under `root`, or null (outside the root, or missing). */
async function resolveFile(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const file = path.join(root, path.normalize(decoded));
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  try {
    const s = await stat(file);
    if (s.isDirectory()) {
      // /fr/about -> /fr/about/ as a real host would do.
      if (!urlPath.endsWith('/')) return { redirect: urlPath + '/' };
      const index = path.join(file, 'index.html');
      await stat(index);
      return { file: index };
    }
    return s.isFile() ? { file } : null;
  } catch {
    return null;
  }
}

/**
 * Starts the server (`headers: false`: no security header, see above). Resolves to { url, port, close() , requests } where `url` has no trailing
 * slash and `requests` lists every path asked for (handy when a test needs to know).
 */
export async function startServer(root = sitePublic(), { headers: withHeaders = true } = {}) {
  const requests = [];
  const security = withHeaders
    ? {
        'Content-Security-Policy': headerPolicy(root),
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      }
    : {};
  const server = createServer(async (req, res) => {
    const headers = { ...security };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD' });
      res.end();
      return;
    }
    const urlPath = new URL(req.url, 'http://localhost').pathname;
    requests.push(urlPath);
    const found = await resolveFile(root, urlPath);
    if (found?.redirect) {
      res.writeHead(301, { ...headers, Location: found.redirect });
      res.end();
      return;
    }
    let status = 200;
    let file = found?.file;
    if (!file) {
      status = 404;
      file = path.join(root, '404.html');
    }
    let body;
    try {
      body = await readFile(file);
    } catch {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Not found\n');
      return;
    }
    res.writeHead(status, {
      ...headers,
      'Content-Type': mimeType(file),
      'Content-Length': body.length,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/**
 * The same server in a child process of its own, for the benchmarks: in this process, the
 * server's answers would wait behind the browser driver's work, and a timing would measure the
 * test harness as much as the site. Resolves to { url, close() }.
 */
export async function startServerProcess(root = sitePublic()) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], {
    env: { ...process.env, SITE_PUBLIC: root },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = / at (http:\/\/[^/\s]+)\//.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`server.mjs exited (${code}) before serving ${root}`)));
  });
  return {
    url,
    close: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

// `node server.mjs` serves the site for a look by hand.
if (import.meta.url === `file://${process.argv[1]}`) {
  const s = await startServer();
  console.log(`serving ${sitePublic()} at ${s.url}/`);
}
