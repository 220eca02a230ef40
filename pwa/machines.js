// The statecharts panel: each actor's current state and its recent
// transitions, newest first, from the snapshot's `machines` and the
// `machine.transitioned` events.
import { formatClock } from './format.js';

function transitionList(transitions) {
  const list = document.createElement('ol');
  list.className = 'transitions';
  for (const t of transitions.slice().reverse()) {
    const item = document.createElement('li');
    const time = document.createElement('time');
    time.dateTime = new Date(t.ts).toISOString();
    time.textContent = formatClock(t.ts);
    const text = document.createElement('span');
    text.textContent = t.event + ' → ' + t.state;
    item.append(time, text);
    list.append(item);
  }
  return list;
}

function machineEntry(name, machine, open) {
  const details = document.createElement('details');
  details.dataset.machine = name;
  details.open = open;
  const summary = document.createElement('summary');
  const label = document.createElement('span');
  label.className = 'machine-name';
  label.textContent = name;
  const state = document.createElement('span');
  state.className = 'machine-state';
  state.textContent = machine.state;
  summary.append(label, state);
  details.append(summary);
  const transitions = machine.transitions || [];
  if (transitions.length > 0) details.append(transitionList(transitions));
  else details.append(document.createTextNode('No transitions seen yet.'));
  return details;
}

/** Rebuilds the panel, keeping open the entries the user opened. */
export function renderMachines(container, machines) {
  const open = new Set();
  for (const details of container.querySelectorAll('details[open]')) {
    open.add(details.dataset.machine);
  }
  const names = Object.keys(machines).sort();
  const entries = names.map((name) =>
    machineEntry(name, machines[name], open.has(name)),
  );
  container.replaceChildren(...entries);
  if (names.length === 0) container.textContent = 'No machines reported yet.';
}
