// The console's one stylesheet, served from /assets/console.css (the CSP allows styles from the console only).

export const CONSOLE_CSS = `
:root{--bg:#f5f6fa;--card:#fff;--ink:#1d2433;--muted:#667085;--line:#e4e7ec;--brand:#4f46e5;--brand-ink:#fff;--brand-soft:#eef2ff;
--bad:#b42318;--bad-soft:#fef3f2;--warn:#b54708;--warn-soft:#fffaeb;--good:#067647;--good-soft:#ecfdf3;--radius:12px;
--shadow:0 1px 2px rgba(16,24,40,.06),0 1px 3px rgba(16,24,40,.08);font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font-size:15px;line-height:1.5}
a{color:var(--brand);text-decoration:none}a:hover{text-decoration:underline}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;background:#f2f4f7;padding:.05em .35em;border-radius:4px}
.muted{color:var(--muted)}.small{font-size:.85em}
header.top{display:flex;align-items:center;gap:24px;padding:12px 28px;background:#111827;color:#f9fafb;position:sticky;top:0;z-index:5}
header.top a{color:#e5e7eb}
.brand{font-weight:700;font-size:17px;display:flex;align-items:center;gap:8px;color:#fff!important}
.brand .muted{color:#9ca3af;font-weight:500}
.logo{display:inline-grid;place-items:center;width:28px;height:28px;border-radius:8px;background:var(--brand);color:#fff;font-weight:800}
header nav{display:flex;gap:4px}
header nav a{padding:6px 12px;border-radius:8px;font-weight:500}
header nav a.active,header nav a:hover{background:#1f2937;color:#fff;text-decoration:none}
.who{margin-left:auto;display:flex;align-items:center;gap:12px;font-size:13px}
.scope{background:#1f2937;border:1px solid #374151;padding:3px 10px;border-radius:999px;color:#c7d2fe}
.who form{margin:0}
button{font:inherit;cursor:pointer;border:1px solid var(--line);background:#fff;color:var(--ink);padding:7px 14px;border-radius:8px;font-weight:500}
button:hover{background:#f9fafb}
button.primary,.button.primary{background:var(--brand);border-color:var(--brand);color:var(--brand-ink)}
button.primary:hover{background:#4338ca}
button.small{padding:4px 10px;font-size:13px}
button.link{background:none;border:0;color:#e5e7eb;padding:0;text-decoration:underline}
.button{display:inline-block;border:1px solid var(--line);background:#fff;padding:7px 14px;border-radius:8px;font-weight:500;color:var(--ink)}
.button:hover{background:#f9fafb;text-decoration:none}
main{max-width:1280px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:24px;margin:0 0 8px}h2{font-size:16px;margin:0 0 12px}
.card{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);box-shadow:var(--shadow);padding:18px 20px;margin-bottom:18px}
.narrow{max-width:560px;margin:48px auto}
.error h1{color:var(--bad)}.error-text{color:var(--bad);font-weight:600}
.stack{display:grid;gap:12px}
label{display:grid;gap:4px;font-size:12px;font-weight:600;color:var(--muted);text-transform:uppercase;letter-spacing:.03em}
input,select{font:inherit;font-size:14px;text-transform:none;letter-spacing:0;color:var(--ink);padding:7px 10px;border:1px solid #d0d5dd;border-radius:8px;background:#fff;min-width:0}
input:focus,select:focus{outline:2px solid var(--brand-soft);border-color:var(--brand)}
.toolbar{margin-bottom:16px}
.filters{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px 12px;align-items:end;background:var(--card);border:1px solid var(--line);border-radius:var(--radius);padding:14px 16px;box-shadow:var(--shadow)}
.filters .search{grid-column:1/-1}
.filters .search input{font-size:16px;padding:10px 12px}
.filters .actions{display:flex;gap:12px;align-items:center}
ol.conversations{list-style:none;margin:0;padding:0;display:grid;gap:10px}
.conversation .row-link{display:block;background:var(--card);border:1px solid var(--line);border-radius:var(--radius);padding:12px 16px;color:var(--ink);box-shadow:var(--shadow)}
.conversation .row-link:hover{border-color:#c7d2fe;text-decoration:none;background:#fcfcff}
.row-main{display:flex;gap:10px;align-items:center;flex-wrap:wrap}
.row-main .id{font-weight:700;color:var(--brand)}
.row-main .students{font-weight:600}
.row-meta{display:flex;gap:14px;color:var(--muted);font-size:13px;margin-top:4px;flex-wrap:wrap;align-items:center}
.snippet{margin:6px 0 0;color:#344054;font-size:14px}
mark{background:#fde68a;color:inherit;border-radius:3px;padding:0 2px}
.badge{display:inline-block;font-size:12px;font-weight:600;padding:1px 8px;border-radius:999px;background:#f2f4f7;color:#344054;text-transform:none;letter-spacing:0}
.platform-discord{background:#eef0ff;color:#4752c4}.platform-slack{background:#fdf2fa;color:#9e1766}.platform-console{background:#ecfdf3;color:var(--good)}
.badge.failed{background:var(--bad-soft);color:var(--bad)}.badge.flag{background:var(--warn-soft);color:var(--warn)}
.sev-urgent{background:var(--bad);color:#fff}.sev-alert{background:#f79009;color:#fff}.sev-flag{background:var(--warn-soft);color:var(--warn)}.sev-none{background:#f2f4f7}
.empty{text-align:center;color:var(--muted);padding:32px}
.pager{display:flex;justify-content:space-between;align-items:center;margin-top:16px}
.conversation-head{display:flex;justify-content:space-between;align-items:flex-start;gap:16px;margin-bottom:14px}
.crumbs{margin:0 0 4px;font-size:13px}
.export{display:flex;gap:8px;flex-shrink:0}
.stats{display:grid;grid-template-columns:repeat(5,1fr);gap:12px;margin-bottom:18px}
.stat{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);padding:12px 16px;box-shadow:var(--shadow);display:grid}
.stat .value{font-size:22px;font-weight:700}.stat .label{font-size:12px;color:var(--muted)}
.stat.bad .value{color:var(--bad)}.stat.warn .value{color:var(--warn)}
.columns{display:grid;grid-template-columns:minmax(0,1fr) 380px;gap:18px;align-items:start}
ol.transcript{list-style:none;margin:0;padding:0;display:grid;gap:14px}
.message{display:grid;grid-template-columns:40px minmax(0,1fr);gap:12px}
.avatar{position:relative;width:40px;height:40px;border-radius:50%;display:grid;place-items:center;font-size:20px;font-weight:700;overflow:hidden;color:#fff}
.avatar img{position:absolute;inset:0;width:100%;height:100%;object-fit:cover}
.avatar img::after{content:attr(data-glyph);position:absolute;inset:0;display:grid;place-items:center;background:#eef2ff;font-size:22px}
.avatar.agent{background:#eef2ff;font-size:22px}
.tone-0{background:#6366f1}.tone-1{background:#0ea5e9}.tone-2{background:#10b981}.tone-3{background:#f59e0b}.tone-4{background:#ef4444}.tone-5{background:#8b5cf6}.tone-6{background:#ec4899}.tone-7{background:#14b8a6}
.avatar.agent.tone-0,.avatar.agent.tone-1,.avatar.agent.tone-2,.avatar.agent.tone-3,.avatar.agent.tone-4,.avatar.agent.tone-5,.avatar.agent.tone-6,.avatar.agent.tone-7{background:#eef2ff}
.bubble{background:#f9fafb;border:1px solid var(--line);border-radius:4px 12px 12px 12px;padding:10px 14px}
.from-student .bubble{background:#fff}
.from-agent .bubble{background:var(--brand-soft);border-color:#e0e7ff}
.message.failed .bubble{border-color:#fda29b}
.message.flagged .bubble{box-shadow:inset 3px 0 0 #f79009}
.meta{display:flex;gap:8px;align-items:baseline;flex-wrap:wrap;font-size:13px}
.meta .author{font-size:14px}
.meta time{color:var(--muted)}
.usage{margin-left:auto;font-size:12px;color:var(--muted);background:#fff;border:1px solid var(--line);border-radius:999px;padding:0 8px}
.text{white-space:pre-wrap;overflow-wrap:anywhere;margin-top:4px}
.turn-failed{margin:8px 0 0;color:var(--bad);font-size:13px;font-weight:600}
.turn-pending{margin:8px 0 0;color:var(--muted);font-size:13px}
.attachments{display:flex;gap:10px;flex-wrap:wrap;margin-top:8px}
.attachments figure{margin:0;background:#fff;border:1px solid var(--line);border-radius:8px;padding:6px}
.attachments img{display:block;max-width:320px;max-height:240px;width:auto;height:auto;border-radius:4px}
.attachments figcaption{font-size:12px;color:var(--muted);margin-top:4px}
.handoff-marker{text-align:center;font-size:13px;color:var(--muted)}
.handoff-marker span{background:#fff;border:1px dashed #c7d2fe;border-radius:999px;padding:3px 12px;display:inline-block}
ol.timeline{list-style:none;margin:0;padding:0 0 0 6px;border-left:2px solid #c7d2fe}
ol.timeline li{position:relative;padding:0 0 14px 18px;font-size:14px}
ol.timeline li:last-child{padding-bottom:0}
ol.timeline .dot{position:absolute;left:-8px;top:5px;width:14px;height:14px;border-radius:50%;background:var(--brand);border:3px solid #fff;box-shadow:0 0 0 1px #c7d2fe}
ol.timeline time{font-size:12px;color:var(--muted)}
svg.graph{width:100%;height:auto}
svg.graph .node rect{fill:#fff;stroke:#d0d5dd;stroke-width:1.5}
svg.graph .node text{font:600 12px system-ui,sans-serif;fill:#475467}
svg.graph .node.used rect{fill:var(--brand-soft);stroke:var(--brand)}
svg.graph .node.used text{fill:#3730a3}
svg.graph .node.start rect{stroke-width:2.5}
svg.graph .edge{fill:none;stroke:#98a2b3;stroke-width:1.4}
svg.graph .edge.used{stroke:var(--brand);stroke-width:2.4}
svg.graph .arrowhead{fill:#98a2b3}svg.graph .arrowhead.used{fill:var(--brand)}
svg.graph .entry{fill:#111827}
ul.access{list-style:none;margin:0;padding:0;font-size:13px;display:grid;gap:6px}
.flag-card{border:1px solid #fedf89;background:var(--warn-soft);border-radius:10px;padding:10px 12px;margin-top:10px;font-size:14px}
.flag-card.severity-urgent{border-color:#fda29b;background:var(--bad-soft)}
.flag-card.reviewed{background:#f9fafb;border-color:var(--line)}
.flag-head{display:flex;gap:6px;flex-wrap:wrap;align-items:center}
.flag-card form{margin:8px 0 0}
.flag-text{white-space:pre-wrap;margin:8px 0 0;background:#fff;border-radius:6px;padding:6px 10px;border:1px solid var(--line)}
.reviewed-by{margin:6px 0 0;color:var(--good);font-weight:600;font-size:13px}
.flag-list{display:grid;gap:4px}
.usage-grid{display:grid;gap:18px}
table.usage-table{width:100%;border-collapse:collapse;font-size:14px}
.usage-table th{text-align:left;font-size:12px;color:var(--muted);font-weight:600;border-bottom:1px solid var(--line);padding:6px 8px}
.usage-table td{border-bottom:1px solid #f2f4f7;padding:7px 8px}
.num{text-align:right;font-variant-numeric:tabular-nums}
.bar-col{width:28%}
svg.bar{width:100%;height:10px;display:block}svg.bar rect{fill:#818cf8}
footer{max-width:1280px;margin:0 auto;padding:0 28px 32px;display:flex;justify-content:space-between;align-items:center;color:var(--muted);font-size:13px}
footer .tz{display:flex;gap:8px;align-items:end}
footer label{text-transform:none;letter-spacing:0;font-weight:500;font-size:13px;display:flex;gap:8px;align-items:center}
@media (max-width:960px){.columns{grid-template-columns:1fr}.stats{grid-template-columns:repeat(2,1fr)}header.top{flex-wrap:wrap}}
`;
