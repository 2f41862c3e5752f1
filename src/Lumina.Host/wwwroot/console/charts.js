// Chart.js, when the build could fetch it (wwwroot/console/lib is filled at build from the pinned npm package).
// Without it the pages show their tables only.

let loading = null;

/** The Chart constructor, or null when the library is not there. */
export function loadChart() {
  loading ??= new Promise(resolve => {
    if (window.Chart) {
      resolve(window.Chart);
      return;
    }
    const script = document.createElement('script');
    script.src = '/console/lib/chart.umd.min.js';
    script.onload = () => resolve(window.Chart ?? null);
    script.onerror = () => resolve(null);
    document.head.append(script);
  });
  return loading;
}

/** A line chart of series (one per dataset) over labels, in a canvas with an accessible name. */
export async function lineChart(container, title, labels, datasets) {
  const Chart = await loadChart();
  if (!Chart) return false;
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', title);
  const figure = document.createElement('figure');
  figure.className = 'chart';
  const caption = document.createElement('figcaption');
  caption.textContent = title;
  const frame = document.createElement('div');
  frame.className = 'chart-frame';
  frame.append(canvas);
  figure.append(caption, frame);
  container.append(figure);
  new Chart(canvas, {
    type: 'line',
    data: { labels, datasets: datasets.map(d => ({ ...d, tension: 0.25, pointRadius: 0, borderWidth: 2, fill: false })) },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: { x: { ticks: { maxTicksLimit: 8 } }, y: { beginAtZero: true } },
      plugins: { legend: { display: datasets.length > 1 } },
    },
  });
  return true;
}
