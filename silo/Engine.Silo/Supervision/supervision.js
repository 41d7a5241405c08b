// The supervision page: polls the engine's JSON every two seconds and redraws what changed. Everything that came
// from the engine is put on the page as text (textContent, attributes): ticket text, reasons and ids come from the
// public, so nothing here ever parses them as markup.
(() => {
  'use strict';

  const POLL_MS = 2000;
  const COURTS_EVERY = 15;
  const MAX_STEPS = 200;
  const SVG_NS = 'http://www.w3.org/2000/svg';

  const STEPS = { WARNING: '预警', URGING: '催办', SUPERVISION: '督办', SPECIAL_SUPERVISION: '专项督办' };
  const ROLES = { HANDLER: '承办人', DIVISION_HEAD: '庭长', VICE_PRESIDENT: '分管院领导', SERVICE_OFFICE: '诉讼服务管理办公室' };
  const KINDS = {
    CONTACT_JUDGE: '联系法官', CASE_INQUIRY: '案件查询', CONSULTATION: '咨询', SUGGESTION: '意见建议',
    ONLINE_FILING: '网上立案', ONLINE_MATTER: '网上事项', CALLBACK: '回访',
  };
  const CHANNELS = {
    HOTLINE: '热线', WEB: '网站', WECHAT: '微信', MOBILE_APP: '移动端', HALL: '诉讼服务大厅', KIOSK: '自助终端',
    SMS: '短信', LAWYER_PLATFORM: '律师服务平台',
  };
  const SERIES = [
    { field: 'effective_reply_rate', css: 'effective', label: '有效答复率', part: 'dispatched_replied', whole: 'dispatched' },
    { field: 'on_time_rate', css: 'on-time', label: '按期答复率', part: 'replied_on_time', whole: 'replied' },
  ];

  const state = {
    court: '',
    days: 30,
    generation: 0,
    polls: 0,
    skewMs: 0,
    courts: new Map(),
    judges: new Map(),
    namesVersion: 0,
    courtsSignature: null,
    courtsStale: true,
    stepsAfter: null,
    steps: new Map(),
    ticketId: null,
    drawn: {},
  };

  const byId = (id) => document.getElementById(id);

  /** An element with attributes and children; strings become text nodes, never markup. */
  function el(tag, attributes, ...children) {
    return build(document.createElement(tag), attributes, children);
  }

  function svg(tag, attributes, ...children) {
    return build(document.createElementNS(SVG_NS, tag), attributes, children);
  }

  function build(node, attributes, children) {
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== null && value !== undefined) {
        node.setAttribute(name, String(value));
      }
    }
    for (const child of children) {
      if (child !== null && child !== undefined) {
        node.append(child instanceof Node ? child : document.createTextNode(String(child)));
      }
    }
    return node;
  }

  async function getJson(path, parameters) {
    const url = new URL(path, window.location.origin);
    for (const [name, value] of Object.entries(parameters || {})) {
      if (value !== null && value !== undefined && value !== '') {
        url.searchParams.set(name, String(value));
      }
    }
    const response = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store', credentials: 'same-origin' });
    if (!response.ok) {
      let message = `${response.status} ${response.statusText}`;
      try {
        const body = await response.json();
        if (body && typeof body.error === 'string') {
          message = body.error;
        }
      } catch {
        // not JSON: keep the status line
      }
      const error = new Error(message);
      error.status = response.status;
      throw error;
    }
    return response.json();
  }

  /** Redraws only when what would be drawn changed, so rows under the pointer stay put between polls. */
  function changed(part, value) {
    const signature = JSON.stringify([state.namesVersion, value]);
    if (state.drawn[part] === signature) {
      return false;
    }
    state.drawn[part] = signature;
    return true;
  }

  const pad = (n) => String(n).padStart(2, '0');

  function formatTime(iso) {
    if (!iso) {
      return '—';
    }
    const t = new Date(iso);
    return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}`;
  }

  function formatOverdue(ms) {
    const total = Math.max(0, Math.floor(ms / 1000));
    const days = Math.floor(total / 86400);
    const hours = Math.floor((total % 86400) / 3600);
    const clock = `${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
    return days > 0 ? `${days} 天 ${pad(hours)}:${clock}` : `${hours}:${clock}`;
  }

  const percent = (value) => (value === null || value === undefined ? '—' : `${Math.round(value * 1000) / 10}%`);

  const courtName = (id) => (id ? state.courts.get(id)?.name || id : '—');

  function divisionName(courtId, id) {
    if (!id) {
      return '平台 platform';
    }
    return state.courts.get(courtId)?.divisions.get(id) || id;
  }

  /** A court the page has no name for yet (its first ticket came after the last look): look again next poll. */
  function noticeCourts(ids) {
    if (ids.some((id) => id && !state.courts.has(id))) {
      state.courtsStale = true;
    }
  }

  const personName = (id) => (id ? state.judges.get(id) || id : '—');

  /** A name shown with its id as the tooltip. */
  const named = (name, id) => el('span', { title: id || null }, name);

  const label = (table, code) => named(table[code] || code, code);

  function ticketLink(ticketId) {
    return el('a', { class: 'ticket', href: `#ticket=${encodeURIComponent(ticketId)}` }, ticketId);
  }

  function stepBadge(step) {
    return el('span', { class: STEPS[step] ? `step ${step}` : 'step', title: step }, STEPS[step] || step);
  }

  function assigneeText(assignee) {
    if (!assignee) {
      return '—';
    }
    return assignee.type === 'JUDGE' ? personName(assignee.id) : `${assignee.id} (${assignee.type})`;
  }

  /** Each recipient as "role: name", with the id as its tooltip. */
  function recipientsCell(recipients) {
    const cell = el('td', { class: 'recipients' });
    (recipients || []).forEach((r, i) => {
      if (i > 0) {
        cell.append('；');
      }
      cell.append(el('span', { class: 'recipient', title: r.id, 'data-role': r.role }, `${ROLES[r.role] || r.role}: ${personName(r.id)}`));
    });
    if (!cell.hasChildNodes()) {
      cell.append('—');
    }
    return cell;
  }

  function setEmpty(id, empty) {
    byId(id).hidden = !empty;
  }

  // ---- courts and names

  async function loadCourts() {
    state.courtsStale = false;
    const view = await getJson('/supervision/api/courts');
    const courts = new Map();
    const judges = new Map();
    for (const court of view.courts) {
      courts.set(court.id, { name: court.name, divisions: new Map(court.divisions.map((d) => [d.id, d.name])) });
      for (const judge of court.judges) {
        judges.set(judge.id, judge.name);
      }
    }
    const signature = JSON.stringify(view);
    if (state.courtsSignature === signature) {
      return;
    }
    state.courtsSignature = signature;
    state.courts = courts;
    state.judges = judges;
    state.namesVersion += 1;

    const select = byId('court');
    const options = [el('option', { value: '' }, '全部法院 All courts')];
    for (const court of view.courts) {
      options.push(el('option', { value: court.id }, court.name));
    }
    if (state.court && !courts.has(state.court)) {
      options.push(el('option', { value: state.court }, state.court));
    }
    select.replaceChildren(...options);
    select.value = state.court;
  }

  // ---- overdue now

  async function loadOverdue(generation) {
    const view = await getJson('/supervision/api/overdue', { court: state.court });
    if (generation !== state.generation) {
      return;
    }
    state.skewMs = Date.parse(view.now) - Date.now();
    noticeCourts(view.tickets.map((t) => t.court_id));
    byId('overdue-count').textContent = view.total > 0 ? `(${view.total})` : '';
    if (changed('overdue', view.tickets)) {
      const rows = view.tickets.map((t) => el('tr', { 'data-ticket-id': t.ticket_id },
        el('td', null, ticketLink(t.ticket_id)),
        el('td', null, named(courtName(t.court_id), t.court_id)),
        el('td', null, named(divisionName(t.court_id, t.division_id), t.division_id)),
        el('td', null, named(personName(t.judge_id), t.judge_id)),
        el('td', null, label(KINDS, t.kind)),
        el('td', null, t.sub_kind),
        el('td', null, label(CHANNELS, t.channel)),
        el('td', { class: 'overdue-for', 'data-since': Date.parse(t.overdue_since), title: formatTime(t.overdue_since) })));
      byId('overdue').tBodies[0].replaceChildren(...rows);
      setEmpty('overdue-empty', rows.length === 0);
    }
    tickOverdue();
  }

  /** "Overdue for" counts up every second from overdue_since, by the server's clock. */
  function tickOverdue() {
    const now = Date.now() + state.skewMs;
    for (const cell of document.querySelectorAll('#overdue td.overdue-for')) {
      cell.textContent = formatOverdue(now - Number(cell.dataset.since));
    }
  }

  // ---- urging and supervision

  async function loadSteps(generation) {
    const view = await getJson('/supervision/api/steps', { court: state.court, after: state.stepsAfter });
    if (generation !== state.generation) {
      return;
    }
    for (const step of view.steps) {
      state.steps.set(step.sequence, step);
    }
    const kept = [...state.steps.values()].sort((a, b) => b.sequence - a.sequence).slice(0, MAX_STEPS);
    state.steps = new Map(kept.map((s) => [s.sequence, s]));
    state.stepsAfter = view.next_after;
    if (!changed('steps', kept.map((s) => s.sequence))) {
      return;
    }
    const rows = kept.map((s) => el('tr', { 'data-ticket-id': s.ticket_id, 'data-step': s.step },
      el('td', { class: 'when' }, formatTime(s.fired_at)),
      el('td', null, ticketLink(s.ticket_id)),
      el('td', null, stepBadge(s.step)),
      el('td', null, assigneeText(s.handler)),
      recipientsCell(s.recipients)));
    byId('steps').tBodies[0].replaceChildren(...rows);
    setEmpty('steps-empty', rows.length === 0);
  }

  // ---- charts

  const CHART = { width: 640, height: 260, left: 44, right: 12, top: 14, bottom: 40 };

  function chartFrame(chart) {
    const plot = { w: CHART.width - CHART.left - CHART.right, h: CHART.height - CHART.top - CHART.bottom };
    chart.replaceChildren();
    for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
      const y = CHART.top + (1 - tick) * plot.h;
      chart.append(
        svg('line', { class: tick === 0 ? 'axis' : 'grid', x1: CHART.left, x2: CHART.left + plot.w, y1: y, y2: y }),
        svg('text', { x: CHART.left - 6, y: y + 4, 'text-anchor': 'end' }, `${tick * 100}%`));
    }
    return plot;
  }

  function noFigures(chart) {
    chart.append(svg('text', { x: CHART.width / 2, y: CHART.height / 2, 'text-anchor': 'middle', class: 'no-data' }, '暂无数据 No figures in this period'));
  }

  function tooltip(row, series) {
    return `${percent(row[series.field])} (${row[series.part]}/${row[series.whole]})`;
  }

  function drawDaily(view) {
    const chart = byId('daily-chart');
    const plot = chartFrame(chart);
    const days = view.days;
    const byDay = new Map(view.daily.map((row) => [row.key, row]));
    const x = (i) => (days.length === 1 ? CHART.left + plot.w / 2 : CHART.left + (i * plot.w) / (days.length - 1));
    const y = (v) => CHART.top + (1 - v) * plot.h;
    const every = Math.max(1, Math.ceil(days.length / 7));
    days.forEach((day, i) => {
      if ((days.length - 1 - i) % every === 0) {
        const anchor = days.length > 1 && i === days.length - 1 ? 'end' : 'middle';
        chart.append(svg('text', { x: x(i), y: CHART.top + plot.h + 16, 'text-anchor': anchor }, day.slice(5)));
      }
    });

    let points = 0;
    for (const series of SERIES) {
      let path = '';
      let penDown = false;
      const dots = [];
      days.forEach((day, i) => {
        const row = byDay.get(day);
        const value = row ? row[series.field] : null;
        if (value === null || value === undefined) {
          penDown = false;
          return;
        }
        const [cx, cy] = [x(i).toFixed(1), y(value).toFixed(1)];
        path += `${penDown ? 'L' : 'M'}${cx} ${cy} `;
        penDown = true;
        dots.push(svg('circle', { class: `point ${series.css}`, cx, cy, r: 3.5, 'data-series': series.field, 'data-day': day, 'data-value': value },
          svg('title', null, `${day} ${series.label} ${tooltip(row, series)}`)));
      });
      if (path) {
        chart.append(svg('path', { class: `line ${series.css}`, d: path.trim(), 'data-series': series.field }));
      }
      chart.append(...dots);
      points += dots.length;
    }
    if (points === 0) {
      noFigures(chart);
    }
  }

  function groupName(view, key) {
    return view.group_by === 'COURT' ? courtName(key) : divisionName(view.court_id, key);
  }

  function drawGroups(view) {
    const chart = byId('group-chart');
    const plot = chartFrame(chart);
    const groups = view.groups
      .filter((g) => SERIES.some((s) => g[s.field] !== null))
      .map((g) => ({ row: g, name: groupName(view, g.key) }))
      .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
    if (groups.length === 0) {
      noFigures(chart);
      return;
    }
    const slot = plot.w / groups.length;
    const barWidth = Math.max(3, Math.min(26, slot * 0.36));
    const maxChars = Math.max(2, Math.floor(slot / 11));
    groups.forEach(({ row, name }, i) => {
      const middle = CHART.left + slot * (i + 0.5);
      SERIES.forEach((series, j) => {
        const value = row[series.field];
        if (value === null || value === undefined) {
          return;
        }
        // A 0 % bar still shows, as a hairline: "nothing replied" must not look like "nothing to reply to".
        const height = Math.max(1.5, value * plot.h);
        const left = j === 0 ? middle - barWidth - 1 : middle + 1;
        chart.append(svg('rect', {
          class: `bar ${series.css}`, x: left.toFixed(1), y: (CHART.top + plot.h - height).toFixed(1), width: barWidth.toFixed(1), height: height.toFixed(1),
          'data-series': series.field, 'data-key': row.key, 'data-value': value,
        }, svg('title', null, `${name} ${series.label} ${tooltip(row, series)}`)));
        if (slot >= 56) {
          chart.append(svg('text', { class: 'value', x: (left + barWidth / 2).toFixed(1), y: (CHART.top + plot.h - height - 3).toFixed(1), 'text-anchor': 'middle' }, percent(value)));
        }
      });
      const short = name.length > maxChars ? `${name.slice(0, maxChars - 1)}…` : name;
      chart.append(svg('text', { x: middle.toFixed(1), y: CHART.top + plot.h + 16, 'text-anchor': 'middle' }, short, svg('title', null, name)));
    });
  }

  async function loadStats(generation) {
    const view = await getJson('/supervision/api/stats', { court: state.court, days: state.days });
    if (generation !== state.generation) {
      return;
    }
    if (view.group_by === 'COURT') {
      noticeCourts(view.groups.map((g) => g.key));
    }
    if (!changed('stats', view)) {
      return;
    }
    const scope = state.court ? courtName(state.court) : '全部法院 all courts';
    byId('daily-caption').textContent = `每日 Per day · ${scope} · ${view.days[0]} – ${view.days[view.days.length - 1]} (${view.time_zone})`;
    byId('group-caption').textContent = view.group_by === 'COURT' ? '按法院 Per court (period total)' : `按部门 Per division · ${scope} (period total)`;
    drawDaily(view);
    drawGroups(view);
  }

  // ---- a ticket's timeline

  function ticketFromHash() {
    const match = /^#ticket=(.+)$/.exec(window.location.hash);
    if (!match) {
      return null;
    }
    try {
      return decodeURIComponent(match[1]).trim() || null;
    } catch {
      return null;
    }
  }

  function showTicketMessage(text) {
    byId('timeline').hidden = true;
    byId('timeline-message').textContent = text;
  }

  async function loadTimeline() {
    const ticketId = state.ticketId;
    if (!ticketId) {
      return;
    }
    let view;
    try {
      view = await getJson(`/supervision/api/tickets/${encodeURIComponent(ticketId)}`);
    } catch (error) {
      if (ticketId === state.ticketId && (error.status === 400 || error.status === 404)) {
        state.drawn.timeline = null;
        showTicketMessage(`${ticketId}: ${error.message}`);
        return;
      }
      throw error;
    }
    if (ticketId !== state.ticketId || !changed('timeline', view)) {
      return;
    }
    drawTimeline(view);
  }

  function drawTimeline(t) {
    byId('timeline-message').textContent = '';
    byId('timeline-title').replaceChildren(`工单 Ticket ${t.ticket_id}`);
    const clock = t.clock;
    let due = '—';
    if (clock) {
      due = formatTime(clock.reply_due_at);
      if (clock.problem) {
        due += ` · ${clock.problem}`;
      } else if (clock.stopped_at) {
        due += ` · 已停止 stopped ${formatTime(clock.stopped_at)}`;
      } else if (clock.paused_at) {
        due += ` · 已暂停 paused ${formatTime(clock.paused_at)}`;
      }
    }
    const facts = [
      ['状态 State', t.state],
      ['类型 Kind', `${KINDS[t.kind] || t.kind} · ${t.sub_kind}`],
      ['渠道 Channel', CHANNELS[t.channel] || t.channel],
      ['法院 Court', courtName(t.court_id)],
      ['案号 Case', t.case_number || '—'],
      ['承办 Assignee', assigneeText(t.assignee)],
      ['受理 Received', formatTime(t.created_at)],
      ['答复期限 Reply due', due],
      ['诉求 Content', t.content],
      ['答复 Reply', t.reply || '—'],
    ];
    byId('timeline-summary').replaceChildren(...facts.flatMap(([term, value]) => [el('dt', null, term), el('dd', null, value)]));

    byId('deadlines').tBodies[0].replaceChildren(...t.deadlines.map((d) => el('tr', { 'data-step': d.step },
      el('td', null, stepBadge(d.step)),
      el('td', null, d.clock),
      el('td', { class: 'when' }, formatTime(d.due_at)),
      el('td', { class: 'when' }, d.fired_at ? formatTime(d.fired_at) : '待触发 pending'),
      recipientsCell(d.recipients))));

    byId('history').tBodies[0].replaceChildren(...t.history.map((h) => el('tr', { 'data-action': h.action },
      el('td', { class: 'when' }, formatTime(h.at)),
      el('td', null, named(personName(h.actor), h.actor)),
      el('td', null, h.action),
      el('td', null, `${h.from_state === 'UNSPECIFIED' ? '—' : h.from_state} → ${h.to_state}`),
      el('td', { class: 'text' }, h.reason || ''),
      el('td', null, assigneeText(h.assignee)))));
    byId('timeline').hidden = false;
  }

  function openTicketFromHash() {
    const ticketId = ticketFromHash();
    if (ticketId === state.ticketId) {
      return;
    }
    state.ticketId = ticketId;
    state.drawn.timeline = null;
    if (!ticketId) {
      showTicketMessage('');
      return;
    }
    byId('ticket-input').value = ticketId;
    showTicketMessage('加载中 loading…');
    loadTimeline().catch(showStatus);
  }

  // ---- notices (a missing working calendar): text only, never markup

  async function loadNotices() {
    const view = await getJson('/supervision/api/notices');
    const box = byId('notices');
    box.replaceChildren(...view.notices.map((text) => el('p', null, text)));
    box.hidden = view.notices.length === 0;
  }

  // ---- polling

  function showStatus(error) {
    const status = byId('status');
    if (error) {
      status.className = 'status offline';
      status.textContent = `离线，重试中 offline, retrying: ${error.message || error}`;
    } else {
      status.className = 'status';
      status.textContent = `实时 live · ${formatTime(new Date().toISOString())}`;
    }
  }

  async function refresh() {
    const generation = state.generation;
    if (state.courtsStale || state.polls % COURTS_EVERY === 0) {
      await loadCourts().catch(() => {
        state.courtsStale = true;
      });
    }
    state.polls += 1;
    const results = await Promise.allSettled([loadNotices(), loadOverdue(generation), loadSteps(generation), loadStats(generation), loadTimeline()]);
    const failed = results.find((r) => r.status === 'rejected');
    showStatus(failed ? failed.reason : null);
  }

  async function poll() {
    try {
      await refresh();
    } finally {
      window.setTimeout(poll, POLL_MS);
    }
  }

  function rescope() {
    state.court = byId('court').value;
    state.days = Number(byId('days').value) || 30;
    state.generation += 1;
    state.stepsAfter = null;
    state.steps = new Map();
    state.drawn = {};
    refresh().catch(showStatus);
  }

  function start() {
    byId('court').addEventListener('change', rescope);
    byId('days').addEventListener('change', rescope);
    byId('ticket-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const ticketId = byId('ticket-input').value.trim();
      if (ticketId) {
        window.location.hash = `ticket=${encodeURIComponent(ticketId)}`;
      }
    });
    window.addEventListener('hashchange', openTicketFromHash);
    window.setInterval(tickOverdue, 1000);
    openTicketFromHash();
    poll();
  }

  start();
})();
