/** The dashboard's whole stylesheet, inlined in every page (no CDN, no build step). */
export const dashboardStyle = `
:root{--fg:#1d232a;--muted:#5d6b78;--line:#d8dee4;--bg:#fff;--ok:#1a7f37;--run:#0969da;--bad:#cf222e;--warn:#9a6700;--wait:#8250df}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:.6rem 1rem;border-bottom:1px solid var(--line);display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:baseline}
h1{font-size:1.15rem;margin:0}h2{font-size:1rem;margin:1rem 0 .4rem}
main{padding:0 1rem 1rem}
a{color:var(--run)}
.summary{margin:0;color:var(--muted);display:flex;flex-wrap:wrap;gap:.2rem .9rem}
.summary span:first-child{color:var(--fg);font-weight:600}
#conn{margin-left:auto;font-size:.8rem;color:var(--muted)}#conn.live{color:var(--ok)}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;padding:.6rem 0}
select{font:inherit;padding:.15rem .3rem}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.3rem .45rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.8rem;color:var(--muted);font-weight:600;white-space:nowrap}
td.message{max-width:28rem;overflow-wrap:anywhere}
td.pxe{white-space:nowrap}.pxe-install{color:var(--run)}.pxe-none{color:var(--muted)}
.badge{display:inline-block;padding:0 .4rem;border-radius:.6rem;font-size:.8rem;background:#eef1f4;white-space:nowrap}
.badge.state-installing,.badge.state-updating{background:#ddf4ff;color:var(--run)}
.badge.state-done,.badge.state-booted{background:#dafbe1;color:var(--ok)}
.badge.state-failed{background:#ffebe9;color:var(--bad)}
.badge.state-waiting{background:#fbefff;color:var(--wait)}
.badge.stalled{background:#fff8c5;color:var(--warn)}
.progress{display:flex;align-items:center;gap:.4rem;min-width:8rem}
.progress .bar{flex:1;height:.6rem;background:#eef1f4;border-radius:.3rem;overflow:hidden}
.progress .bar span{display:block;height:100%;background:var(--run);transition:width .4s}
tr.state-done .progress .bar span,tr.state-booted .progress .bar span{background:var(--ok)}
tr.state-failed .progress .bar span{background:var(--bad)}
.pct{font-variant-numeric:tabular-nums;font-size:.85rem;min-width:2.6rem}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.6rem 0}
.facts dt{color:var(--muted)}.facts dd{margin:0}
.failure{border:1px solid var(--bad);border-radius:.4rem;padding:.5rem .8rem;background:#fff5f5}
.failure h2{margin:0 0 .3rem;color:var(--bad)}
pre{margin:0;white-space:pre-wrap;overflow-wrap:anywhere;font:12px/1.35 ui-monospace,SFMono-Regular,Menlo,monospace}
.timeline{display:grid;gap:.5rem}
.install .label{font-size:.85rem;color:var(--muted)}
.track{position:relative;height:1.6rem;background:#f6f8fa;border-radius:.3rem}
.track .bar{position:absolute;top:.15rem;bottom:.15rem;border-radius:.2rem;background:#8fb8ef;overflow:hidden;border-right:1px solid #fff}
.track .bar span{font-size:.7rem;padding:0 .25rem;white-space:nowrap;line-height:1.3rem}
.track .bar.result-failed{background:#f2a09a}.track .bar.result-skipped{background:#d0d7de}.track .bar.result-running{background:#b6e3ff}
.track .bar.slowest{outline:2px solid var(--warn);z-index:1}
.track .bar.phase-installer{background:#c8b6ef}.track .bar.phase-reboot{background:#a9dfb7}
ol.log{list-style:none;padding:0;margin:0;font:12px/1.35 ui-monospace,SFMono-Regular,Menlo,monospace}
ol.log li{padding:.1rem 0;border-bottom:1px dotted #eef1f4;overflow-wrap:anywhere}
ol.log li.failed{color:var(--bad)}
.empty{color:var(--muted)}
@media (max-width:720px){
 thead{display:none}
 table,tbody,tr,td{display:block;width:100%}
 tr{border:1px solid var(--line);border-radius:.4rem;margin:.5rem 0;padding:.3rem}
 td{border:0;padding:.15rem .3rem;display:flex;gap:.6rem}
 td::before{content:attr(data-label);color:var(--muted);min-width:5.5rem;font-size:.8rem}
 td.host{font-weight:600}
 .progress{flex:1}
}
`;
