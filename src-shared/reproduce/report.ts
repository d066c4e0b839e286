/**
 * The reproduction report as one self-contained HTML file: no scripts, no fonts, no network
 * access — styles inline, figures as inline SVG. One row per claim (the paper's value or
 * statement, GainLab's measured value, the verdict and its rule), then every part with its
 * set-up (the paper's, or where it departs), settings, seed, run time and figures, then the
 * registry of GainLab's own definitions.
 */
import type { GainLabDefinition } from '../definitions.js';
import { durationText } from '../formats/duration.js';
import type { ReproductionMode } from './parts.js';
import type { EvaluatedClaim, ReproductionEnvironment, StoredPart } from './types.js';

export interface ReportInput {
  mode: ReproductionMode;
  seed: number;
  environment: ReproductionEnvironment;
  generatedAt: string;
  wallMs: number;
  computeMs: number;
  parts: StoredPart[];
  claims: EvaluatedClaim[];
  stopped: boolean;
  definitions: GainLabDefinition[];
  partTitles: Array<{ id: string; title: string }>;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const VERDICT_CLASS: Record<string, string> = { agrees: 'ok', 'qualitatively agrees': 'qual', differs: 'bad', 'not run': 'none' };

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2430;margin:0;background:#fafaf7}
main{max-width:1180px;margin:0 auto;padding:24px 28px 60px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:34px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
.meta{color:#555;font-size:13px}.meta td{padding:1px 14px 1px 0;vertical-align:top}
table.claims{border-collapse:collapse;width:100%;font-size:13px;background:#fff}
table.claims th,table.claims td{border:1px solid #ddd;padding:5px 7px;vertical-align:top;text-align:left}
table.claims th{background:#f0efe9}
.v{display:inline-block;padding:1px 7px;border-radius:9px;font-weight:600;white-space:nowrap;font-size:12px}
.ok{background:#d8f0dc;color:#17532a}.qual{background:#fcefc7;color:#6b4f00}.bad{background:#f8d7d4;color:#7a1d14}.none{background:#e6e6e6;color:#444}
.rule{color:#555;font-size:12px}.src{color:#777;font-size:11px}
.counts span{margin-right:14px}
.part{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 16px;margin:16px 0}
.setup{font-size:13px}.setup .paper{color:#17532a;font-weight:600}.setup .departs{color:#7a1d14}
details{margin:6px 0}pre{background:#f4f4f0;padding:8px;overflow:auto;font-size:12px;max-height:320px}
.figs{display:flex;flex-wrap:wrap;gap:12px}.fig{border:1px solid #eee;background:#fff}.fig svg{display:block;max-width:100%;height:auto}
.defs td,.defs th{border:1px solid #ddd;padding:4px 7px;vertical-align:top;font-size:12.5px}.defs{border-collapse:collapse;background:#fff}
.warn{background:#fff4d6;border:1px solid #e6c65c;padding:8px 12px;border-radius:6px}
`;

function verdictBadge(verdict: string): string {
  return `<span class="v ${VERDICT_CLASS[verdict] ?? 'none'}">${escapeHtml(verdict)}</span>`;
}

/**
 * The wall-clock span of the parts: from the earliest start (finishedAt − elapsedMs) to the latest
 * finish. With parts run by several processes at once, or across restarts, this is what the run
 * took on the calendar (null when no part has times).
 */
export function partSpan(parts: readonly Pick<StoredPart, 'elapsedMs' | 'finishedAt'>[]): { from: string; to: string; ms: number } | null {
  let from = Infinity;
  let to = -Infinity;
  for (const part of parts) {
    const end = Date.parse(part.finishedAt);
    if (!Number.isFinite(end) || !Number.isFinite(part.elapsedMs)) continue;
    from = Math.min(from, end - part.elapsedMs);
    to = Math.max(to, end);
  }
  if (!Number.isFinite(from)) return null;
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), ms: to - from };
}

function setupHtml(part: StoredPart): string {
  if (part.status !== 'done') return `<p class="setup departs">Not run: ${escapeHtml(part.reason ?? '')}</p>`;
  const s = part.setup;
  if (!s) return '';
  const head = s.paperSetup ? '<span class="paper">The paper’s set-up.</span>' : `<span class="departs">Departs from the paper’s set-up:</span> ${s.departures.map(escapeHtml).join('; ')}.`;
  const defs = s.definitions.length ? ` GainLab definitions it rests on: ${s.definitions.map((d) => `<a href="#def-${escapeHtml(d.id)}">${escapeHtml(d.title)}</a>`).join(', ')}.` : '';
  return `<p class="setup">${head}${defs}</p>`;
}

/** The SVG of a figure, with any XML declaration removed so it can sit inline. */
function inlineSvg(svg: string): string {
  return svg.replace(/^<\?xml[^>]*>\s*/, '');
}

export function reportHtml(input: ReportInput): string {
  const counts = new Map<string, number>();
  for (const c of input.claims) counts.set(c.verdict, (counts.get(c.verdict) ?? 0) + 1);
  const countLine = ['agrees', 'qualitatively agrees', 'differs', 'not run'].map((v) => `<span>${verdictBadge(v)} ${counts.get(v) ?? 0}</span>`).join('');
  const rows = input.claims
    .map(
      (c, k) => `<tr id="claim-${escapeHtml(c.id)}"><td>${k + 1}</td><td>${escapeHtml(c.figure)}<div class="src">${c.source === 'spec' ? 'model specification' : 'paper'} · ${c.parts.map((p) => `<a href="#part-${escapeHtml(p)}">${escapeHtml(p)}</a>`).join(', ')}</div></td><td>${escapeHtml(c.paper)}</td><td>${escapeHtml(c.measured)}<div class="rule">${escapeHtml(c.measure)}</div></td><td>${verdictBadge(c.verdict)}<div class="rule">${escapeHtml(c.rule)}</div></td></tr>`,
    )
    .join('\n');
  const partsHtml = input.partTitles
    .map(({ id, title }) => {
      const part = input.parts.find((p) => p.id === id);
      if (!part) return `<section class="part" id="part-${escapeHtml(id)}"><h3>${escapeHtml(title)}</h3><p class="setup departs">Not reached${input.stopped ? ' (the run was stopped; run the same command again to continue)' : ''}.</p></section>`;
      const figures = part.figures.map((f) => `<div class="fig" title="${escapeHtml(f.title)}">${inlineSvg(f.svg)}</div>`).join('\n');
      return `<section class="part" id="part-${escapeHtml(id)}"><h3>${escapeHtml(part.title)}</h3>
${setupHtml(part)}
<p class="meta">Seed ${part.seed} · ${part.status === 'done' ? `run time ${durationText(part.elapsedMs)} · finished ${escapeHtml(part.finishedAt)}${part.version ? ` · ${escapeHtml(part.version)}` : ''}` : 'not run'}</p>
<details><summary>Settings</summary><pre>${escapeHtml(JSON.stringify(part.settings, null, 1))}</pre></details>
<details><summary>Summary numbers</summary><pre>${escapeHtml(JSON.stringify(part.summary, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 1))}</pre></details>
<div class="figs">${figures}</div></section>`;
    })
    .join('\n');
  const defs = input.definitions
    .map((d) => `<tr id="def-${escapeHtml(d.id)}"><td><b>${escapeHtml(d.title)}</b><div class="src">${escapeHtml(d.id)} · ${escapeHtml(d.section)}</div></td><td>${escapeHtml(d.what)}</td><td>${escapeHtml(d.why)}</td></tr>`)
    .join('\n');
  const span = partSpan(input.parts);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>GainLab reproduction report (${input.mode})</title><meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body><main>
<h1>GainLab reproduction report</h1>
<p class="meta">Stroud, Porter, Hennequin &amp; Vogels, “Motor primitives in space and time via targeted gain modulation in cortical networks”, Nature Neuroscience 21, 1774–1783 (2018): every quantitative claim GainLab checks, the paper’s value, GainLab’s measured value and a verdict.</p>
<table class="meta">
<tr><td>Mode</td><td>${input.mode === 'full' ? 'full — the paper’s set-up, except the reductions each part lists' : 'quick — small networks and few trials: verdicts show the pipeline, not the paper'}</td></tr>
<tr><td>Seed</td><td>${input.seed}</td></tr>
<tr><td>GainLab</td><td>${escapeHtml(input.environment.version)} wrote this report; parts computed by ${escapeHtml([...new Set(input.parts.filter((p) => p.status === 'done').map((p) => p.version ?? 'a build that did not record its version'))].join('; ') || '—')}</td></tr>
<tr><td>Machine</td><td>${escapeHtml(input.environment.machine)}</td></tr>
<tr><td>Runtime</td><td>${escapeHtml(input.environment.runtime)}</td></tr>
<tr><td>Generated</td><td>${escapeHtml(input.generatedAt)}</td></tr>
<tr><td>Run time</td><td>compute ${durationText(input.computeMs)} (sum of the parts, over restarts); this invocation ${durationText(input.wallMs)}</td></tr>
${span ? `<tr><td>Wall clock</td><td>${escapeHtml(span.from)} to ${escapeHtml(span.to)}: ${durationText(span.ms)} from the first part’s start to the last part’s end</td></tr>` : ''}
</table>
${input.stopped ? '<p class="warn">The run stopped before every part finished; the claims of the missing parts are “not run”. Run the same command with the same directory to continue.</p>' : ''}
<h2>Claims</h2>
<p class="counts">${countLine}</p>
<p class="rule">Verdicts (GainLab definition <a href="#def-verdict-rule">verdict-rule</a>): <b>agrees</b> — within the claim’s stated tolerance; <b>qualitatively agrees</b> — the direction or ordering holds, the number does not; <b>differs</b> — neither; <b>not run</b> — the part did not run.</p>
<table class="claims"><thead><tr><th>#</th><th>Figure</th><th>Paper</th><th>GainLab</th><th>Verdict</th></tr></thead><tbody>
${rows}
</tbody></table>
<h2>Parts</h2>
${partsHtml}
<h2>GainLab’s own definitions</h2>
<p class="rule">Where the paper’s public material does not pin a method down, GainLab defines it; the parts above name the definitions they rest on.</p>
<table class="defs"><thead><tr><th>Definition</th><th>What GainLab does</th><th>Why</th></tr></thead><tbody>
${defs}
</tbody></table>
</main></body></html>
`;
}
