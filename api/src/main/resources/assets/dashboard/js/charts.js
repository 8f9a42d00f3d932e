/* The funnel and daily-activity charts. Chart.js is the WebJar's UMD build, loaded by a classic
 * script before the modules: the global `Chart`. Charts are optional – without Chart.js the
 * numbers still show and a note says why the charts do not. */
import { $, num } from './util.js';

// `interested`: the leads whose reply showed interest (a polite no is a reply, not interest).
export const FUNNEL_KEYS = ['enrolled', 'sent', 'delivered', 'read', 'replied', 'interested', 'opted_out', 'failed', 'converted'];
export const SERIES_KEYS = ['sent', 'delivered', 'read', 'replied'];
export const COLORS = {
  enrolled: '#64748b', sent: '#2563eb', delivered: '#0891b2', read: '#7c3aed',
  replied: '#16a34a', interested: '#15803d', opted_out: '#d97706', failed: '#dc2626', converted: '#a21caf'
};

const charts = { funnel: null, series: null };

export function chartsAvailable() {
  const ok = typeof window.Chart === 'function';
  $('charts-unavailable').hidden = ok;
  return ok;
}

export function updateFunnelChart(funnel) {
  if (!chartsAvailable()) return;
  const data = FUNNEL_KEYS.map((k) => num(funnel[k]));
  try {
    const c = charts.funnel;
    if (c) { c.data.datasets[0].data = data; c.update(); return; }
    charts.funnel = new window.Chart($('funnel-chart'), {
      type: 'bar',
      data: {
        labels: FUNNEL_KEYS.map((k) => k.replace('_', ' ')),
        datasets: [{ label: 'Leads', data: data, backgroundColor: FUNNEL_KEYS.map((k) => COLORS[k]) }]
      },
      options: {
        indexAxis: 'y', responsive: true, maintainAspectRatio: false, animation: { duration: 250 },
        plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  } catch (e) { /* charts are optional */ }
}

export function updateSeriesChart(series) {
  if (!chartsAvailable()) return;
  const labels = series.map((d) => String(d.day));
  try {
    const c = charts.series;
    if (c) {
      c.data.labels = labels;
      SERIES_KEYS.forEach((k, i) => { c.data.datasets[i].data = series.map((d) => num(d[k])); });
      c.update();
      return;
    }
    charts.series = new window.Chart($('series-chart'), {
      type: 'line',
      data: {
        labels: labels,
        datasets: SERIES_KEYS.map((k) => ({
          label: k, data: series.map((d) => num(d[k])),
          borderColor: COLORS[k], backgroundColor: COLORS[k], tension: 0.25, pointRadius: 4
        }))
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: { duration: 250 },
        interaction: { mode: 'index', intersect: false },
        scales: { y: { beginAtZero: true, grace: '10%', ticks: { precision: 0 } } }
      }
    });
  } catch (e) { /* charts are optional */ }
}
