// The supervision page: polls the engine's JSON every two seconds and redraws what changed. Everything that came
// from the engine is put on the page as text (textContent, attributes): ticket text, reasons and ids come from the
// public, so nothing here ever parses them as markup.
(() => {
  'use strict';

  const POLL_MS = 2000;
  const COURTS_EVERY = 15;
  const KNOWLEDGE_EVERY = 15;
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
  const SUB_KINDS = {
    CONTACT_PROGRESS_INQUIRY: '询问进度', CONTACT_URGE: '催促办理', CONTACT_MATERIAL_RECEIPT: '材料收转', CONTACT_REPORT_SITUATION: '反映情况',
    CONTACT_INFORMATION: '提供信息', CONTACT_OTHER: '其他联系',
    INQUIRY_SERVICE_PASSWORD: '查询密码', INQUIRY_FILING_STATUS: '立案查询', INQUIRY_CASE_PROGRESS: '案件进度查询', INQUIRY_OTHER: '其他查询',
    CONSULTATION_PROCEDURE: '诉讼程序咨询', CONSULTATION_EXECUTION: '执行咨询', CONSULTATION_OTHER: '其他咨询',
    SUGGESTION_OPINION: '意见', SUGGESTION_SUGGESTION: '建议', SUGGESTION_COMPLAINT: '投诉',
    FILING_APPLICATION: '立案申请',
    MATTER_MATERIAL_SUBMISSION: '递交材料', MATTER_AGENT_VERIFICATION: '代理人身份核实', MATTER_AGENT_STATEMENT: '代理词提交',
    MATTER_HEARING_POSTPONEMENT: '申请延期开庭', MATTER_PRESERVATION: '申请保全', MATTER_INVESTIGATION_ORDER: '申请调查令',
    MATTER_FILE_REVIEW: '申请阅卷', MATTER_ELECTRONIC_SERVICE: '电子送达',
    CALLBACK_VISIT: '回访', UNSPECIFIED: '未分类',
  };
  const STATES = {
    RECEIVED: '待分流', ANSWERED_ON_SPOT: '即时解答', DISPATCHED: '已派单', ACCEPTED: '已签收', REPLIED: '已答复', CLOSED: '已办结',
    RETURNED: '已退回', REOPENED: '已重启', MERGED: '已合并', CANCELLED: '已撤销', UNSPECIFIED: '—',
  };
  const ACTIONS = {
    received: '受理', dispatched: '派单', routed: '分流', accepted: '签收', replied: '答复', closed: '办结', transferred: '转办',
    returned: '退回', reopened: '重启', merged: '合并', cancelled: '撤销', answered_on_spot: '即时解答', extended: '延期',
    'deadline.warning': '预警', 'deadline.urging': '催办', 'deadline.supervision': '督办', 'deadline.special_supervision': '专项督办',
  };
  const SOURCES = { SELF_SERVICE: '自助查询', SUGGESTION: '坐席推荐', STAFF: '工作人员检索' };
  const LISTS = { overdue: '超期工单 Overdue now', steps: '催办与督办 Urged and supervised' };
  const LIST_KEYS = ['list', 'court', 'division', 'judge', 'kind', 'days_overdue', 'step', 'period', 'state', 'sort', 'order'];
  const PAGE_SIZE = 50;
  const SERIES = [
    { field: 'effective_reply_rate', css: 'effective', label: '有效答复率', part: 'dispatched_replied', whole: 'dispatched' },
    { field: 'on_time_rate', css: 'on-time', label: '按期答复率', part: 'replied_on_time', whole: 'replied' },
  ];

  const STEP_NUMBERS = { 2: 'SUPERVISION', 3: 'SPECIAL_SUPERVISION' };

  const state = {
    court: '',
    subordinate: false,
    days: 30,
    generation: 0,
    polls: 0,
    skewMs: 0,
    courts: new Map(),
    judges: new Map(),
    namesVersion: 0,
    courtsSignature: null,
    courtsStale: true,
    knowledgeStale: true,
    ticketId: null,
    drawn: {},
    list: { list: 'overdue' },
    pages: [null],
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
    const parameters = new URLSearchParams(listHref(state.list).slice(1));
    parameters.set('ticket', ticketId);
    return el('a', { class: 'ticket', href: `#${parameters.toString()}` }, ticketId);
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
      courts.set(court.id, { name: court.name, divisions: new Map(court.divisions.map((d) => [d.id, d.name])), judgeIds: court.judges.map((j) => j.id) });
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
    drawFilters();
  }

  // ---- lead figures, each a link to the list behind it

  /** A link to a list: the page's hash names the list and its filters, so a drill-down can be sent to someone. */
  function listHref(filters) {
    const parameters = new URLSearchParams();
    for (const key of LIST_KEYS) {
      if (filters[key]) {
        parameters.set(key, filters[key]);
      }
    }
    return `#${parameters.toString()}`;
  }

  /** ↑ ↓ → against the period before; red when it went the wrong way (more overdue, a lower rate). */
  function arrow(now, before, higherIsBetter = false) {
    if (now === before) {
      return el('span', { class: 'trend flat', title: '持平 same' }, '→');
    }
    const worse = (now > before) !== higherIsBetter;
    return el('span', { class: `trend ${worse ? 'worse' : 'better'}`, title: now > before ? '上升 up' : '下降 down' }, now > before ? '↑' : '↓');
  }

  function countCell(figure, beforeLabel, filters, name) {
    return el('td', { class: 'figure', 'data-figure': name },
      el('a', { class: 'drill', href: listHref(filters), 'data-figure': name }, String(figure.now)),
      ' ', arrow(figure.now, figure.before), el('small', { class: 'before' }, ` ${beforeLabel} ${figure.before}`));
  }

  const ratio = (part, whole) => (whole > 0 ? part / whole : null);

  function rateCell(rate, filters, name) {
    const now = ratio(rate.part, rate.whole);
    const before = ratio(rate.part_before, rate.whole_before);
    const cell = el('td', { class: 'figure', 'data-figure': name });
    cell.append(el('a', { class: 'drill', href: listHref(filters), 'data-figure': name, title: `${rate.part}/${rate.whole}` }, percent(now)));
    if (now !== null && before !== null) {
      cell.append(' ', arrow(Math.round(now * 1000), Math.round(before * 1000), true));
    }
    cell.append(el('small', { class: 'before', title: `${rate.part_before}/${rate.whole_before}` }, ` 上期 ${percent(before)}`));
    return cell;
  }

  function figureRow(view, row, scope, heading) {
    const base = { ...scope };
    const overdue = { ...base, list: 'overdue' };
    const steps = { ...base, list: 'steps' };
    return el('tr', { 'data-key': row.key || '' },
      heading,
      el('td', { class: 'figure', 'data-figure': 'overdue_now' },
        el('a', { class: 'drill', href: listHref(overdue), 'data-figure': 'overdue_now' }, String(row.overdue_now)),
        ' ', arrow(row.fell_overdue.now, row.fell_overdue.before),
        el('small', { class: 'before' }, ` 今日新增 ${row.fell_overdue.now} · 昨日 ${row.fell_overdue.before}`)),
      countCell(row.urged_today, '昨日', { ...steps, step: 'URGING', period: 'today' }, 'urged_today'),
      countCell(row.urged_week, '上周', { ...steps, step: 'URGING', period: 'week' }, 'urged_week'),
      countCell(row.supervised_today, '昨日', { ...steps, step: 'SUPERVISION,SPECIAL_SUPERVISION', period: 'today' }, 'supervised_today'),
      countCell(row.supervised_week, '上周', { ...steps, step: 'SUPERVISION,SPECIAL_SUPERVISION', period: 'week' }, 'supervised_week'),
      rateCell(row.reply_rate, overdue, 'reply_rate'),
      rateCell(row.on_time_rate, { ...steps, step: 'URGING', period: 'days' }, 'on_time_rate'));
  }

  async function loadFigures(generation) {
    const view = await getJson('/supervision/api/figures', { court: state.court, days: state.days });
    if (generation !== state.generation) {
      return;
    }
    if (view.group_by === 'COURT') {
      noticeCourts(view.rows.map((r) => r.key));
    }
    if (!changed('figures', view)) {
      return;
    }
    const byCourt = view.group_by === 'COURT';
    byId('figures-group').textContent = byCourt ? '法院 Court' : '部门 Division';
    byId('figures-scope').textContent = `${state.court ? courtName(state.court) : '全部法院 All courts'} · ${view.periods.days.first} – ${view.periods.days.last}`;
    const rows = view.rows.map((row) => {
      const scope = byCourt ? { court: row.key } : { court: view.court_id, division: row.key };
      const name = byCourt ? courtName(row.key) : divisionName(view.court_id, row.key);
      return figureRow(view, row, scope, el('th', { scope: 'row' }, named(name, row.key || null)));
    });
    byId('figures').tBodies[0].replaceChildren(...rows);
    const totalScope = view.court_id ? { court: view.court_id } : {};
    byId('figures').tFoot.replaceChildren(figureRow(view, view.total, totalScope, el('th', { scope: 'row' }, '合计 Total')));
  }

  // ---- the circulated report (通报): supervised tickets per court, division and judge, with the reply delay

  /** The chosen court, with "and the courts under it" when the toggle is on. */
  function scopeText(view) {
    const court = view.court_id ? courtName(view.court_id) : '全部法院 All courts';
    return `${court}${view.with_subordinate ? ' 及下辖法院 with the courts under it' : ''} · ${view.days.first} – ${view.days.last}`;
  }

  const delay = (seconds) => formatOverdue(seconds * 1000);

  function circulatedRow(kind, court, division, judge, c) {
    return el('tr', { class: kind, 'data-court': court || null, 'data-division': division === null ? null : division, 'data-judge': judge === null ? null : judge },
      el('td', null, kind === 'court' ? named(courtName(court), court) : ''),
      el('td', null, kind === 'division' ? named(divisionName(court, division), division) : ''),
      el('td', null, kind === 'judge' ? named(personName(judge), judge) : kind === 'division' ? '小计 subtotal' : ''),
      el('td', null, String(c.supervised)), el('td', null, String(c.specially_supervised)),
      el('td', null, String(c.replied)), el('td', { class: c.not_replied > 0 ? 'late' : null }, String(c.not_replied)),
      el('td', null, c.steps > 0 ? delay(c.mean_delay_seconds) : '—'), el('td', null, c.steps > 0 ? delay(c.max_delay_seconds) : '—'));
  }

  /** Sums the counts of the judges' groups (the report's rows) into a court's or a division's. */
  function sumCounts(groups) {
    const sum = { supervised: 0, specially_supervised: 0, replied: 0, not_replied: 0, delay_seconds: 0, max_delay_seconds: 0, steps: 0 };
    for (const g of groups) {
      for (const key of ['supervised', 'specially_supervised', 'replied', 'not_replied', 'delay_seconds', 'steps']) {
        sum[key] += g[key];
      }
      sum.max_delay_seconds = Math.max(sum.max_delay_seconds, g.max_delay_seconds);
    }
    sum.mean_delay_seconds = sum.steps > 0 ? sum.delay_seconds / sum.steps : null;
    return sum;
  }

  async function loadCirculated(generation) {
    const view = await getJson('/supervision/api/circulated', { court: state.court, days: state.days, sub: state.subordinate ? 'true' : '' });
    if (generation !== state.generation) {
      return;
    }
    noticeCourts(view.report.judges.map((j) => j.court_id));
    if (!changed('circulated', view)) {
      return;
    }
    const report = view.report;
    byId('circulated-scope').textContent = scopeText(view);
    byId('circulated-count').textContent = String(report.total.steps);
    const rows = [];
    const byCourt = Map.groupBy(report.judges, (j) => j.court_id);
    for (const [court, judges] of byCourt) {
      rows.push(circulatedRow('court', court, null, null, sumCounts(judges)));
      for (const [division, inDivision] of Map.groupBy(judges, (j) => j.division_id)) {
        rows.push(circulatedRow('division', court, division, null, sumCounts(inDivision)));
        rows.push(...inDivision.map((j) => circulatedRow('judge', court, division, j.judge_id, j)));
      }
    }
    byId('circulated-groups').tBodies[0].replaceChildren(...rows);
    byId('circulated-groups').tFoot.replaceChildren(circulatedRow('total', '', null, null, report.total));
    byId('circulated-groups').tFoot.rows[0].cells[0].textContent = '合计 Total';
    byId('circulated-steps-caption').textContent = report.entries.length < report.total.steps
      ? `督办工单 Supervised tickets (前 ${report.entries.length} 条 the first ${report.entries.length} of ${report.total.steps})`
      : '督办工单 Supervised tickets';
    byId('circulated-steps').tBodies[0].replaceChildren(...report.entries.map((e) => el('tr', { 'data-ticket-id': e.ticket_id },
      el('td', null, ticketLink(e.ticket_id)), el('td', null, named(courtName(e.court_id), e.court_id)),
      el('td', null, named(divisionName(e.court_id, e.division_id), e.division_id)), el('td', null, named(personName(e.judge_id), e.judge_id)),
      el('td', null, stepBadge(STEP_NUMBERS[e.step] || String(e.step))), el('td', null, formatTime(e.fired_at)), el('td', null, formatTime(e.due_at)),
      el('td', { class: e.replied_at ? null : 'late' }, e.replied_at ? formatTime(e.replied_at) : '未答复 Not replied'),
      el('td', null, delay(e.delay_seconds)))));
    setEmpty('circulated-empty', report.total.steps === 0);
  }

  // ---- satisfaction per staff member, platform agent and counter/window (on-the-spot ratings)

  function satisfactionRows(rows, name) {
    return rows.map((r) => el('tr', { 'data-subject-id': r.subject_id },
      el('td', null, named(name(r.subject_id), r.subject_id)), el('td', null, named(courtName(r.court_id), r.court_id)),
      el('td', null, String(r.ratings)), el('td', null, percent(r.ratings ? r.service_satisfied / r.ratings : null)),
      el('td', null, percent(r.ratings ? r.result_satisfied / r.ratings : null)), el('td', { class: r.dissatisfied > 0 ? 'late' : null }, String(r.dissatisfied))));
  }

  async function loadSatisfaction(generation) {
    const view = await getJson('/supervision/api/satisfaction', { court: state.court, days: state.days, sub: state.subordinate ? 'true' : '' });
    if (generation !== state.generation || !changed('satisfaction', view)) {
      return;
    }
    byId('satisfaction-scope').textContent = scopeText(view);
    byId('satisfaction-staff').tBodies[0].replaceChildren(...satisfactionRows(view.staff, personName));
    byId('satisfaction-agents').tBodies[0].replaceChildren(...satisfactionRows(view.platform_agents, personName));
    byId('satisfaction-windows').tBodies[0].replaceChildren(...satisfactionRows(view.windows, (id) => id));
  }

  // ---- the knowledge base's panel: hit rates, self-service searches, most and never used entries, gaps

  function knowledgeFigure(name, label, value, detail) {
    return el('div', { 'data-figure': name }, el('dt', null, label), el('dd', null, String(value), detail ? el('small', null, ` ${detail}`) : null));
  }

  function hitRateRows(rates, label) {
    return rates.map((r) => el('tr', { 'data-key': r.key },
      el('th', { scope: 'row' }, label(r.key)), el('td', null, String(r.searches)), el('td', null, String(r.good)), el('td', null, percent(r.rate))));
  }

  async function loadKnowledge(generation) {
    if (!state.knowledgeStale && (state.polls - 1) % KNOWLEDGE_EVERY !== 0) {
      return;
    }
    const view = await getJson('/supervision/api/knowledge', { court: state.court, days: state.days, sub: state.subordinate ? 'true' : '' });
    if (generation !== state.generation) {
      return;
    }
    state.knowledgeStale = false;
    if (!changed('knowledge', view)) {
      return;
    }
    const f = view.figures;
    byId('knowledge-scope').textContent = scopeText(view);
    byId('knowledge-figures').replaceChildren(
      knowledgeFigure('hit_rate', '命中率 Hit rate', percent(f.all.rate), `${f.all.good}/${f.all.searches}`),
      knowledgeFigure('self_service', '自助查询 Self-service', f.self_service),
      knowledgeFigure('opened_anyway', '查询后仍提交工单 Opened a ticket anyway', f.self_service_opened_ticket,
        percent(f.self_service > 0 ? f.self_service_opened_ticket / f.self_service : null)),
      knowledgeFigure('on_spot_rate', '即时解答率 On-the-spot rate', percent(f.on_spot_rate), `${f.answered_on_spot}/${f.received}`),
      knowledgeFigure('citations', '引用知识作答 Answers citing an entry', f.citations),
      knowledgeFigure('never_used', '从未使用的条目 Entries never used', f.never_used_count),
      knowledgeFigure('gap_questions', '无好答案的问题 Questions without a good entry', f.gap_questions));
    byId('knowledge-courts').tBodies[0].replaceChildren(...hitRateRows(f.by_court, (key) => named(key ? courtName(key) : '未指定法院 no court', key || null)));
    byId('knowledge-kinds').tBodies[0].replaceChildren(...hitRateRows(f.by_kind, (key) => named(KINDS[key] || key, key)));
    byId('knowledge-most-used').tBodies[0].replaceChildren(...f.most_used.map((e) => el('tr', { 'data-entry-id': e.entry_id },
      el('th', { scope: 'row' }, el('span', { title: e.entry_id }, e.question || e.entry_id)),
      el('td', null, String(e.good_hits)), el('td', null, String(e.citations)), el('td', null, String(e.uses)))));
    byId('knowledge-gaps').tBodies[0].replaceChildren(...f.gaps.map((g) => el('tr', { 'data-word': g.word },
      el('th', { scope: 'row' }, g.word), el('td', null, String(g.questions)), el('td', null, g.example))));
    const never = byId('knowledge-figures').querySelector("[data-figure='never_used'] dd");
    never.title = f.never_used.map((e) => `${e.entry_id} ${e.question}`).join('\n');
  }

  // ---- the list behind a figure: filtered, sorted and paged by the engine

  const COLUMNS = {
    overdue: ['工单 Ticket', '法院 Court', '部门 Division', '承办人 Judge', '类型 Kind', '子类 Sub-kind', '渠道 Channel', '已超期 Overdue for'],
    steps: ['时间 When', '工单 Ticket', '环节 Step', '法院 Court', '部门 Division', '承办人 Judge', '类型 Kind', '子类 Sub-kind', '答复 Replied', '答复延迟 Reply delay'],
  };

  function listFromHash() {
    const parameters = new URLSearchParams(window.location.hash.slice(1));
    if (!parameters.has('list')) {
      return null;
    }
    const filters = {};
    for (const key of LIST_KEYS) {
      const value = parameters.get(key);
      if (value) {
        filters[key] = value;
      }
    }
    filters.list = LISTS[filters.list] ? filters.list : 'overdue';
    return filters;
  }

  function fillSelect(id, entries, value) {
    const select = byId(id);
    select.replaceChildren(el('option', { value: '' }, '全部 All'), ...entries.map(([v, text]) => el('option', { value: v }, text)));
    if (value && !entries.some(([v]) => v === value)) {
      select.append(el('option', { value }, value));
    }
    select.value = value || '';
  }

  /** The filter form shows the list's filters; division and judge choices are those of the chosen court. */
  function drawFilters() {
    const f = state.list;
    byId('f-list').value = f.list;
    fillSelect('f-court', [...state.courts.entries()].map(([id, c]) => [id, c.name]), f.court);
    const court = state.courts.get(f.court);
    fillSelect('f-division', court ? [...court.divisions.entries()] : [], f.division);
    fillSelect('f-judge', court ? court.judgeIds.map((id) => [id, `${personName(id)} (${id})`]) : [], f.judge);
    fillSelect('f-kind', Object.entries(KINDS).map(([code, name]) => [code, `${name} ${code}`]), f.kind);
    byId('f-days-overdue').value = f.days_overdue || '';
    for (const key of ['step', 'period', 'state', 'sort', 'order']) {
      byId(`f-${key}`).value = f[key] || (key === 'sort' ? 'time' : '');
    }
    for (const node of document.querySelectorAll('#list-filters .for-overdue')) {
      node.hidden = f.list !== 'overdue';
    }
    for (const node of document.querySelectorAll('#list-filters .for-steps')) {
      node.hidden = f.list !== 'steps';
    }
  }

  function readFilters() {
    const f = { list: byId('f-list').value };
    const fields = { court: 'f-court', division: 'f-division', judge: 'f-judge', kind: 'f-kind', sort: 'f-sort', order: 'f-order' };
    Object.assign(fields, f.list === 'overdue' ? { days_overdue: 'f-days-overdue' } : { step: 'f-step', period: 'f-period', state: 'f-state' });
    for (const [key, id] of Object.entries(fields)) {
      const value = byId(id).value.trim();
      if (value && !(key === 'sort' && value === 'time')) {
        f[key] = value;
      }
    }
    if (f.court !== state.list.court) {
      delete f.division;
      delete f.judge;
    }
    return f;
  }

  function listRow(view, r) {
    const ticket = el('td', null, ticketLink(r.ticket_id));
    const where = [
      el('td', null, named(courtName(r.court_id), r.court_id)),
      el('td', null, named(divisionName(r.court_id, r.division_id), r.division_id || null)),
      el('td', { class: 'judge' }, r.judge_id ? named(personName(r.judge_id), r.judge_id) : '—'),
      el('td', null, label(KINDS, r.kind)),
      el('td', null, label(SUB_KINDS, r.sub_kind)),
    ];
    if (state.list.list === 'overdue') {
      return el('tr', { 'data-ticket-id': r.ticket_id }, ticket, ...where, el('td', null, label(CHANNELS, r.channel)),
        el('td', { class: 'overdue-for', 'data-since': Date.parse(r.overdue_since), title: formatTime(r.overdue_since) }));
    }
    return el('tr', { 'data-ticket-id': r.ticket_id, 'data-step': r.step },
      el('td', { class: 'when' }, formatTime(r.fired_at)), ticket, el('td', null, stepBadge(r.step)), ...where,
      el('td', { class: 'when' }, r.replied_at ? formatTime(r.replied_at) : '未答复 not yet'),
      el('td', { class: 'delay' }, r.delay_seconds === null ? '—' : formatOverdue(r.delay_seconds * 1000)));
  }

  async function loadList(generation) {
    const f = state.list;
    const view = await getJson(`/supervision/api/lists/${f.list}`, { ...f, list: null, days: state.days, after: state.pages[state.pages.length - 1], limit: PAGE_SIZE });
    if (generation !== state.generation || f !== state.list) {
      return;
    }
    state.skewMs = Date.parse(view.now) - Date.now();
    state.next = view.next;
    noticeCourts(view.rows.map((r) => r.court_id));
    byId('list-title').textContent = LISTS[f.list];
    byId('list-count').textContent = `(${view.total})`;
    const pageNumber = state.pages.length;
    const pages = Math.max(1, Math.ceil(view.total / PAGE_SIZE));
    byId('page-info').textContent = `第 ${pageNumber} / ${pages} 页 page · 共 ${view.total} 条 rows`;
    byId('page-first').disabled = pageNumber === 1;
    byId('page-previous').disabled = pageNumber === 1;
    byId('page-next').disabled = !view.next;
    if (changed('list', [f, pageNumber, view.rows])) {
      byId('list').tHead.rows[0].replaceChildren(...COLUMNS[f.list].map((text) => el('th', null, text)));
      byId('list').tBodies[0].replaceChildren(...view.rows.map((r) => listRow(view, r)));
      byId('list').dataset.list = f.list;
      byId('list').dataset.page = String(pageNumber);
      setEmpty('list-empty', view.rows.length === 0);
    }
    tickOverdue();
  }

  /** "Overdue for" counts up every second from overdue_since, by the server's clock. */
  function tickOverdue() {
    const now = Date.now() + state.skewMs;
    for (const cell of document.querySelectorAll('#list td.overdue-for')) {
      cell.textContent = formatOverdue(now - Number(cell.dataset.since));
    }
  }

  function showList(filters) {
    state.list = filters;
    state.pages = [null];
    state.drawn.list = null;
    drawFilters();
    loadList(state.generation).then(() => showStatus(null), showStatus);
  }

  function turnPage(step) {
    if (step === 0) {
      state.pages = [null];
    } else if (step > 0 && state.next) {
      state.pages.push(state.next);
    } else if (step < 0 && state.pages.length > 1) {
      state.pages.pop();
    }
    loadList(state.generation).then(() => showStatus(null), showStatus);
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
    const view = await getJson('/supervision/api/stats', { court: state.court, days: state.days, sub: state.subordinate ? 'true' : '' });
    if (generation !== state.generation) {
      return;
    }
    if (view.group_by === 'COURT') {
      noticeCourts(view.groups.map((g) => g.key));
    }
    if (!changed('stats', view)) {
      return;
    }
    const scope = state.court ? `${courtName(state.court)}${state.subordinate ? ' 及下辖法院 with the courts under it' : ''}` : '全部法院 all courts';
    byId('daily-caption').textContent = `每日 Per day · ${scope} · ${view.days[0]} – ${view.days[view.days.length - 1]} (${view.time_zone})`;
    byId('group-caption').textContent = view.group_by === 'COURT' ? '按法院 Per court (period total)' : `按部门 Per division · ${scope} (period total)`;
    drawDaily(view);
    drawGroups(view);
  }

  // ---- a ticket's timeline

  function ticketFromHash() {
    const ticket = new URLSearchParams(window.location.hash.slice(1)).get('ticket');
    return ticket ? ticket.trim() || null : null;
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
      ['状态 State', `${STATES[t.state] || t.state} ${t.state}`],
      ['类型 Kind', `${KINDS[t.kind] || t.kind} · ${SUB_KINDS[t.sub_kind] || t.sub_kind}`],
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
      el('td', null, label(ACTIONS, h.action)),
      el('td', null, named(`${h.from_state === 'UNSPECIFIED' ? '—' : STATES[h.from_state] || h.from_state} → ${STATES[h.to_state] || h.to_state}`, `${h.from_state} → ${h.to_state}`)),
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
    const results = await Promise.allSettled([loadNotices(), loadFigures(generation), loadList(generation), loadStats(generation), loadKnowledge(generation),
      loadCirculated(generation), loadSatisfaction(generation), loadTimeline()]);
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
    state.subordinate = byId('subordinate').checked;
    state.days = Number(byId('days').value) || 30;
    state.generation += 1;
    state.drawn = {};
    state.knowledgeStale = true;
    state.list = { ...state.list, court: state.court || undefined, division: undefined, judge: undefined };
    state.pages = [null];
    drawFilters();
    refresh().catch(showStatus);
  }

  function start() {
    byId('court').addEventListener('change', rescope);
    byId('days').addEventListener('change', rescope);
    byId('subordinate').addEventListener('change', rescope);
    byId('ticket-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const ticketId = byId('ticket-input').value.trim();
      if (ticketId) {
        window.location.hash = `ticket=${encodeURIComponent(ticketId)}`;
      }
    });
    window.addEventListener('hashchange', () => {
      const filters = listFromHash();
      if (filters && listHref(filters) !== listHref(state.list)) {
        showList(filters);
      }
      openTicketFromHash();
    });
    byId('list-filters').addEventListener('change', () => {
      window.location.hash = listHref(readFilters()).slice(1);
    });
    byId('list-filters').addEventListener('submit', (event) => event.preventDefault());
    byId('page-first').addEventListener('click', () => turnPage(0));
    byId('page-previous').addEventListener('click', () => turnPage(-1));
    byId('page-next').addEventListener('click', () => turnPage(1));
    state.list = listFromHash() || state.list;
    drawFilters();
    window.setInterval(tickOverdue, 1000);
    openTicketFromHash();
    poll();
  }

  start();
})();
