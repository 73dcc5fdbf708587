// cctracker: small changes to datasette-dashboards' renderers, loaded after dashboards.js.
// - charts render as SVG (crisp, countable marks) without the export/"open in editor" menu
//   (that menu links to vega.github.io: the dashboard never leaves this machine);
// - the spec's $schema names the bundled Vega-Lite major version (no mismatch warning);
// - tables and metrics put data in text nodes, never innerHTML: prompts are untrusted text;
//   a session_id cell links to its session page.
(function () {
  const embed = window.vegaEmbed
  const root = document.querySelector('.cct-menu .cct-brand')
  const base = root ? root.getAttribute('href').replace(/-\/dashboards\/overview$/, '') : '/'

  // The rows a chart was given: Vega specs carry a list of data sets, Vega-Lite one.
  function rowsOf (spec) {
    const d = spec && spec.data
    if (Array.isArray(d)) return d.length && Array.isArray(d[0].values) ? d[0].values : null
    return d && Array.isArray(d.values) ? d.values : null
  }

  window.vegaEmbed = function (el, spec, opts) {
    const rows = rowsOf(spec)
    if (rows && rows.length === 0) {
      // An empty chart would draw a broken axis; say what to do instead.
      const box = typeof el === 'string' ? document.querySelector(el) : el
      const note = document.createElement('p')
      note.className = 'cct-empty'
      note.textContent = 'No data for this period yet. Record sessions with `cctracker install`, ' +
        'bring in history with `cctracker import`, or explore `cctracker serve --demo`.'
      box.replaceChildren(note)
      box.dataset.rendered = 'empty'
      return Promise.resolve(null)
    }
    if (spec && spec.$schema && spec.$schema.includes('vega-lite') && window.vegaLite) {
      spec.$schema = 'https://vega.github.io/schema/vega-lite/v' + vegaLite.version.split('.')[0] + '.json'
    }
    const target = typeof el === 'string' ? document.querySelector(el) : el
    const done = embed(target, spec, Object.assign({ renderer: 'svg', actions: false }, opts || {}))
    return done.then(function (result) {
      target.dataset.rendered = 'vega'
      return result
    }, function (error) {
      target.dataset.rendered = 'error'
      console.error('chart failed', target.id, error)
      throw error
    })
  }

  async function fetchRows (chart, queryString, absoluteUrl) {
    const response = await fetch(getDataUrl(chart, queryString, absoluteUrl))
    const data = await response.json()
    if (!data.ok && data.error) console.error('query failed', chart.title, data.error)
    return data
  }

  function cell (column, value) {
    const td = document.createElement('td')
    if (column === 'session_id' && value !== null) {
      const a = document.createElement('a')
      a.href = base + '-/cctracker/session/' + encodeURIComponent(value)
      a.textContent = value
      td.appendChild(a)
    } else {
      td.textContent = value === null ? '' : value
    }
    return td
  }

  window.renderTableChart = async function (slug, chart, queryString, absoluteUrl) {
    const data = await fetchRows(chart, queryString, absoluteUrl)
    const el = document.querySelector('#chart-' + slug)
    const wrapper = document.createElement('div')
    wrapper.className = 'cct-table'
    const rows = data.rows || []
    if (!rows.length) {
      wrapper.textContent = 'No data for these filters.'
    } else {
      const table = document.createElement('table')
      const head = table.createTHead().insertRow()
      Object.keys(rows[0]).forEach(function (c) {
        const th = document.createElement('th')
        th.textContent = c
        head.appendChild(th)
      })
      const body = table.createTBody()
      rows.forEach(function (row) {
        const tr = body.insertRow()
        Object.entries(row).forEach(function (kv) { tr.appendChild(cell(kv[0], kv[1])) })
      })
      wrapper.appendChild(table)
    }
    el.appendChild(wrapper)
    el.dataset.rendered = 'table'
    if (data.truncated) enableChartTooltip(slug)
  }

  window.renderMetricChart = async function (slug, chart, queryString, absoluteUrl) {
    const data = await fetchRows(chart, queryString, absoluteUrl)
    const rows = data.rows || []
    const value = rows.length ? rows[0][chart.display.field] : null
    const p = document.createElement('p')
    p.className = 'cct-metric'
    p.textContent = value === null || value === undefined ? '–'
      : (chart.display.prefix || '') + value + (chart.display.suffix || '')
    const el = document.querySelector('#chart-' + slug)
    el.appendChild(p)
    el.dataset.rendered = 'metric'
  }
})()
