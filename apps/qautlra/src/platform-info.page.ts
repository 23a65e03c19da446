import { escapeHtml } from '@qautlra/platform';
import type { PlatformInfo } from './platform-info.service';

/** The landing page a browser gets at `/`: what runs, its state, and links to every API's docs. */
export function renderPlatformPage(info: PlatformInfo): string {
  const rows = info.components
    .map(
      (component) =>
        `<tr><td>${escapeHtml(component.app)}</td><td>${escapeHtml(component.original)}</td><td class="${component.state}">${component.state}</td><td class="process-${component.process?.state ?? 'none'}">${
          component.process
            ? `${escapeHtml(component.process.state)}${component.process.restarts > 0 ? ` (${component.process.restarts} restarts, last ${escapeHtml(component.process.last_exit ?? '')})` : ''}`
            : ''
        }</td><td>${
          component.url
            ? `<a href="${escapeHtml(component.url)}">${escapeHtml(component.url)}</a>`
            : ''
        }</td><td>${component.docs ? `<a href="${escapeHtml(component.docs)}">API docs</a>` : ''}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(info.name)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#222}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}
.working{color:#187a2f}.partial{color:#a66d00}.planned{color:#777}
.process-running{color:#187a2f}.process-starting,.process-restarting{color:#a66d00}.process-stopped{color:#b00}
</style></head><body>
<h1>${escapeHtml(info.name)}</h1>
<p>${escapeHtml(info.description)}. Database: <b>${escapeHtml(info.database)}</b>.</p>
<p><a href="${escapeHtml(info.docs)}">Platform API docs</a> · <a href="${escapeHtml(info.health)}">health</a> · <a href="${escapeHtml(info.metrics)}">metrics</a></p>
<table><thead><tr><th>App</th><th>Original</th><th>State</th><th>Process</th><th>URL</th><th>Docs</th></tr></thead><tbody>
${rows}
</tbody></table>
</body></html>`;
}
