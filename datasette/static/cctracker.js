// cctracker: small changes to datasette-dashboards' renderers, loaded after dashboards.js.
// - charts render as SVG (crisp, countable marks) without the export/"open in editor" menu
//   (that menu links to vega.github.io: the dashboard never leaves this machine);
// - the spec's $schema names the bundled Vega-Lite major version (no mismatch warning);
// - charts over days pick day, week or month buckets from the range shown and fill the
//   buckets without data with zeros, so no line bridges a gap and no axis repeats a label
//   (see cctrackerCharts.bucket below; docs/dashboard.md);
// - metrics pick their unit (s/min/h, k/M tokens) so a short day never reads "0.0";
// - tables and metrics put data in text nodes, never innerHTML: prompts are untrusted text;
//   a session_id cell links to its session page, stored UTC times show as local time.
(function () {
  const embed = window.vegaEmbed
  const root = document.querySelector('.cct-menu .cct-brand')
  const base = root ? root.getAttribute('href').replace(/-\/dashboards\/overview$/, '') : '/'
  const DAY_MS = 86400000
  //: Ranges up to this many days get a bar/point per day, up to WEEKS_UP_TO per week, else per month.
  const DAYS_UP_TO = 45
  const WEEKS_UP_TO = 200
  //: A range shorter than this is widened (ending on its last day): one session today is one bar of seven.
  const MIN_DAYS = 7
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

  // ---- times ---------------------------------------------------------------------------
  const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/
  function pad (n) { return String(n).padStart(2, '0') }
  // A stored UTC time as the local "YYYY-MM-DD HH:MM" people read.
  function localTime (value) {
    if (typeof value !== 'string' || !ISO.test(value)) return value
    const d = new Date(value)
    if (isNaN(d)) return value
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' +
      pad(d.getHours()) + ':' + pad(d.getMinutes())
  }

  // ---- buckets -------------------------------------------------------------------------
  function parseDay (s) { const [y, m, d] = s.split('-').map(Number); return Date.UTC(y, m - 1, d) }
  function dayKey (t) { return new Date(t).toISOString().slice(0, 10) }
  function bucketStart (t, unit) {
    const d = new Date(t)
    if (unit === 'month') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)
    if (unit === 'week') return t - ((d.getUTCDay() + 6) % 7) * DAY_MS // weeks start on Monday
    return t
  }
  function nextBucket (t, unit) {
    const d = new Date(t)
    if (unit === 'month') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)
    return t + (unit === 'week' ? 7 : 1) * DAY_MS
  }
  function label (t, unit, years) {
    const d = new Date(t)
    const md = MONTHS[d.getUTCMonth()] + ' ' + d.getUTCDate()
    if (unit === 'month') return MONTHS[d.getUTCMonth()] + ' ' + d.getUTCFullYear()
    // Ranges across a new year carry the year, so "Jan 3" never stands for two days.
    return years > 1 ? md + ' ' + d.getUTCFullYear() : md
  }

  // The day range a chart covers: the page's From/To filters, else its data, at least MIN_DAYS.
  function rangeOf (days) {
    const params = new URLSearchParams(window.location.search)
    let lo = params.get('date_from') ? parseDay(params.get('date_from')) : Math.min(...days)
    let hi = params.get('date_to') ? parseDay(params.get('date_to')) : Math.max(...days)
    if (!(lo <= hi)) { lo = Math.min(...days); hi = Math.max(...days) }
    if (hi - lo < (MIN_DAYS - 1) * DAY_MS) lo = hi - (MIN_DAYS - 1) * DAY_MS
    return [lo, hi]
  }

  function unitFor (lo, hi) {
    const span = (hi - lo) / DAY_MS + 1
    return span <= DAYS_UP_TO ? 'day' : span <= WEEKS_UP_TO ? 'week' : 'month'
  }

  // Rows keyed by a `day` column -> rows keyed by `period` (a label per bucket), numbers summed
  // per bucket and series, and every bucket of the range present (zeros where nothing happened).
  function bucket (rows, field) {
    const days = rows.map(r => parseDay(String(r[field]).slice(0, 10)))
    const [lo, hi] = rangeOf(days)
    const unit = unitFor(lo, hi)
    const years = new Date(lo).getUTCFullYear() === new Date(hi).getUTCFullYear() ? 1 : 2
    const numeric = Object.keys(rows[0]).filter(k => k !== field && rows.every(r => r[k] === null || typeof r[k] === 'number'))
    const series = Object.keys(rows[0]).filter(k => k !== field && !numeric.includes(k))
    const buckets = []
    for (let t = bucketStart(lo, unit); t <= hi; t = nextBucket(t, unit)) buckets.push(t)
    const labels = new Map(buckets.map(t => [t, label(t, unit, years)]))
    const out = new Map()
    const combos = new Map()
    rows.forEach(function (r, i) {
      const t = bucketStart(days[i], unit)
      if (!labels.has(t)) return // outside the filtered range
      const s = series.map(k => r[k])
      combos.set(JSON.stringify(s), s)
      const key = t + '|' + JSON.stringify(s)
      let row = out.get(key)
      if (!row) {
        row = { period: labels.get(t), _t: t }
        series.forEach((k, j) => { row[k] = s[j] })
        numeric.forEach(k => { row[k] = 0 })
        out.set(key, row)
      }
      numeric.forEach(k => { row[k] = Math.round(((row[k] || 0) + (r[k] || 0)) * 1000) / 1000 })
    })
    // Zeros where nothing happened: every series for a few buckets, one row per bucket for many.
    const fill = buckets.length * combos.size <= 4000 ? [...combos.values()] : [[...combos.values()][0]]
    buckets.forEach(function (t) {
      fill.forEach(function (s) {
        const key = t + '|' + JSON.stringify(s)
        if (out.has(key)) return
        const row = { period: labels.get(t), _t: t }
        series.forEach((k, j) => { row[k] = s[j] })
        numeric.forEach(k => { row[k] = 0 })
        out.set(key, row)
      })
    })
    const values = [...out.values()].sort((a, b) => a._t - b._t)
    values.forEach(r => { delete r._t })
    const title = { day: 'day', week: 'week of (Mon)', month: 'month' }[unit]
    return { values, unit, domain: buckets.map(t => labels.get(t)), title }
  }

  function isDayX (x) { return x && x.field === 'day' && x.type === 'temporal' }

  // Rewrites a Vega-Lite spec whose x axis is days: buckets, ordinal axis, tooltips on `period`.
  function bucketSpec (spec, rows) {
    const enc = spec.encoding
    if (!enc || !isDayX(enc.x) || !rows.length) return spec
    const b = bucket(rows, 'day')
    spec.data = { values: b.values }
    enc.x = {
      field: 'period', type: 'ordinal', title: b.unit === 'day' ? null : b.title, sort: null, scale: { domain: b.domain },
      axis: { labelAngle: b.domain.length > 12 ? -45 : 0, labelOverlap: 'parity', labelSeparation: 4 }
    }
    if (Array.isArray(enc.tooltip)) {
      enc.tooltip = enc.tooltip.map(t => isDayX(t) || (t && t.field === 'day') ? { field: 'period', title: b.title } : t)
    }
    spec.usermeta = Object.assign({}, spec.usermeta, { bucket: b.unit })
    if (spec.usermeta.unit === 'hours') inMinutesWhenShort(spec, b.values)
    return spec
  }

  // A chart in hours whose tallest bucket is under an hour reads in minutes ("0.15 h" -> "9").
  function inMinutesWhenShort (spec, values) {
    // The columns in hours: those the spec folds into its y field, else the y field itself.
    const fold = (spec.transform || []).find(t => t.fold)
    const numeric = fold ? fold.fold : [spec.encoding.y.field]
    const totals = new Map()
    values.forEach(r => totals.set(r.period, (totals.get(r.period) || 0) + numeric.reduce((t, k) => t + (r[k] || 0), 0)))
    if (Math.max(...totals.values()) >= 1) return
    values.forEach(r => numeric.forEach(k => { r[k] = Math.round(r[k] * 600) / 10 }))
    const rename = f => f === 'hours' ? 'minutes' : f
    values.forEach(r => { if ('hours' in r) { r.minutes = r.hours; delete r.hours } })
    ;(spec.transform || []).forEach(t => { if (t.fold && t.as) t.as = t.as.map(rename) })
    const enc = spec.encoding
    enc.y = Object.assign({}, enc.y, { field: rename(enc.y.field), title: enc.y.title ? String(enc.y.title).replace('hours', 'minutes') : 'minutes' })
    if (Array.isArray(enc.tooltip)) enc.tooltip = enc.tooltip.map(t => t && t.field ? Object.assign({}, t, { field: rename(t.field) }) : t)
    spec.usermeta.minutes = true
  }

  // ---- empty charts ---------------------------------------------------------------------
  let anySessions = null
  function sessionsRecorded () {
    if (anySessions === null) {
      // A canned query (metadata.yml): the dashboard runs no ad-hoc SQL.
      anySessions = fetch(base + 'cctracker/recorded_sessions.json?_shape=array')
        .then(r => r.json()).then(rows => rows.length > 0 && rows[0].n > 0).catch(() => true)
    }
    return anySessions
  }
  const INSTALL = 'No sessions recorded yet. Record sessions with `cctracker install`, bring in history ' +
    'with `cctracker import`, or explore `cctracker serve --demo`.'
  async function emptyText (custom) {
    if (!(await sessionsRecorded())) return INSTALL
    return custom || 'No sessions in this period or for these filters: widen the dates or pick another project.'
  }

  // The rows a chart was given: Vega specs carry a list of data sets, Vega-Lite one.
  function rowsOf (spec) {
    const d = spec && spec.data
    if (Array.isArray(d)) return d.length && Array.isArray(d[0].values) ? d[0].values : null
    return d && Array.isArray(d.values) ? d.values : null
  }

  window.vegaEmbed = function (el, spec, opts) {
    const target = typeof el === 'string' ? document.querySelector(el) : el
    const custom = spec && spec.empty
    if (spec && 'empty' in spec) delete spec.empty
    const rows = rowsOf(spec)
    if (rows && rows.length === 0) {
      // An empty chart would draw a broken axis; say what is missing instead.
      return emptyText(custom).then(function (text) {
        const note = document.createElement('p')
        note.className = 'cct-empty'
        note.textContent = text
        target.replaceChildren(note)
        target.dataset.rendered = 'empty'
        return null
      })
    }
    if (spec && spec.$schema && spec.$schema.includes('vega-lite') && window.vegaLite) {
      spec.$schema = 'https://vega.github.io/schema/vega-lite/v' + vegaLite.version.split('.')[0] + '.json'
      if (rows) bucketSpec(spec, rows)
      // Fitting the height of a discrete y axis makes Vega-Lite drop "fit-y" (and warn): such
      // charts get a height from their number of rows.
      const y = spec.encoding && spec.encoding.y
      if (y && (y.type === 'nominal' || y.type === 'ordinal') && typeof spec.height !== 'number' && rows) {
        const n = new Set(rows.map(r => r[y.field])).size
        spec.height = Math.min(Math.max(n * 22, 66), 640)
      }
    }
    const done = embed(target, spec, Object.assign({ renderer: 'svg', actions: false }, opts || {}))
    return done.then(function (result) {
      target.dataset.rendered = 'vega'
      if (spec.usermeta && spec.usermeta.bucket) {
        target.dataset.bucket = spec.usermeta.bucket
        // The card's title follows the bucket: "Commits per day" reads "Commits per week".
        const card = target.closest('.dashboard-card')
        const title = card && (card.querySelector('.dashboard-card-title a') || card.querySelector('.dashboard-card-title p'))
        if (title && spec.usermeta.bucket !== 'day') {
          title.childNodes.forEach(function (n) {
            if (n.nodeType === 3) n.textContent = n.textContent.replace('per day', 'per ' + spec.usermeta.bucket)
          })
        }
        if (title && spec.usermeta.minutes) {
          title.childNodes.forEach(function (n) {
            if (n.nodeType === 3) n.textContent = n.textContent.replace('(hours)', '(minutes)').replace('Active hours', 'Active minutes')
          })
        }
      }
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
      a.textContent = '#' + value
      td.appendChild(a)
    } else {
      td.textContent = value === null ? '' : localTime(value)
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
      wrapper.className = 'cct-table cct-empty'
      wrapper.textContent = await emptyText(chart.display && chart.display.empty)
    } else {
      const table = document.createElement('table')
      const head = table.createTHead().insertRow()
      const labels = (chart.display && chart.display.columns) || {}
      Object.keys(rows[0]).forEach(function (c) {
        const th = document.createElement('th')
        th.textContent = labels[c] || c.replace(/_/g, ' ')
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
    el.dataset.rendered = rows.length ? 'table' : 'empty'
    if (data.truncated) enableChartTooltip(slug)
  }

  // ---- metrics --------------------------------------------------------------------------
  function round (v, digits) { return Number(v.toFixed(digits)).toLocaleString('en-US') }
  const FORMATS = {
    // Seconds: "45 s", "12 min", "3.4 h".
    duration: v => v < 60 ? round(v, 0) + ' s' : v < 3600 ? round(v / 60, v < 600 ? 1 : 0) + ' min' : round(v / 3600, 1) + ' h',
    // A count with a unit that keeps three digits: "950", "12.3 k", "4.1 M".
    count: v => v < 1000 ? round(v, 0) : v < 1e6 ? round(v / 1e3, v < 1e4 ? 2 : 1) + ' k' : v < 1e9 ? round(v / 1e6, v < 1e7 ? 2 : 1) + ' M' : round(v / 1e9, 2) + ' B',
    usd: v => v === 0 ? '$0' : v < 0.01 ? '< $0.01' : '$' + round(v, 2),
    int: v => round(v, 0),
    pct: v => round(v, 0) + ' %'
  }

  window.renderMetricChart = async function (slug, chart, queryString, absoluteUrl) {
    const data = await fetchRows(chart, queryString, absoluteUrl)
    const rows = data.rows || []
    const value = rows.length ? rows[0][chart.display.field] : null
    const format = FORMATS[chart.display.format]
    const p = document.createElement('p')
    p.className = 'cct-metric'
    p.textContent = value === null || value === undefined ? '–'
      : format ? format(Number(value)) : (chart.display.prefix || '') + value + (chart.display.suffix || '')
    const el = document.querySelector('#chart-' + slug)
    el.appendChild(p)
    el.dataset.rendered = 'metric'
  }

  window.cctrackerCharts = { bucket, localTime, FORMATS }
})()

// Overview and session pages reload themselves while a session is active: every
// RELOAD_MS, if something new was stored since the page was drawn (live.json's version).
;(function () {
  const RELOAD_MS = window.cctReloadMs || 15000  // tests shorten it
  const root = document.querySelector('.cct-menu .cct-brand')
  const base = root ? root.getAttribute('href').replace(/-\/dashboards\/overview$/, '') : '/'
  const path = window.location.pathname
  // A session page's reference: our id, the UUID, a prefix of it, or #id (collector.sessions.ref).
  const match = path.match(/\/-\/cctracker\/session\/([^/.]+)$/)
  const session = match ? decodeURIComponent(match[1]) : null
  if (!session && !/\/-\/dashboards\/overview$/.test(path)) return
  let version = null
  async function check () {
    try {
      const data = await (await fetch(base + '-/cctracker/live.json', { cache: 'no-store' })).json()
      const active = session ? data.sessions.some(function (s) {
        return String(s.session_id) === session || '#' + s.session_id === session ||
          s.session_uuid.startsWith(session)
      }) : data.sessions.length > 0
      document.documentElement.dataset.liveActive = active ? 'yes' : 'no'
      if (version !== null && active && data.version !== version) window.location.reload()
      version = data.version
    } catch (error) {
      // The dashboard restarting: try again at the next tick.
    }
  }
  check()
  setInterval(check, RELOAD_MS)
})()
