// The editor side of every node of this package, written once: palette category and colours, the dialog
// rows (name, participant, AWS config, hat and channel, number fields with units, selects, checkboxes),
// rows shown only for some settings, and the field checks. Each node's .html loads this file
// (Node-RED serves the package's resources/ folder at resources/<package name>/) and registers its type
// with emotionIot.registerType(type, definition): a Node-RED node definition (defaults, inputs, outputs,
// label, ...) plus the few fields below, from which the dialog's HTML template is made.
//
//   catalogue  the node's message catalogue (locales/<lang>/<node>.json): a key without a dot, e.g.
//              'interval', stands for '<catalogue>.label.interval'; a key with a dot is used as it is
//   family     'sensor' | 'signal' | 'data' | 'model' | 'aws' (palette colour), or 'config' (a config node)
//   icon       a Font Awesome 4 name without 'fa-', e.g. 'heartbeat'
//   form       the dialog rows, top to bottom: fields made by the builders below, or an array of fields for
//              one row with several fields
//
// The field checks only mark a field red before a deploy: the runtime's own checks stay the authority
// (src/record/participant.ts for participant names, src/aws/endpoint-prefix.ts for endpoint prefixes), and
// these mirror them.
(function () {
  'use strict';
  if (window.emotionIot) return; // every node's .html loads this file: the first one defines it

  const CATEGORY = 'emotion iot';
  const COLOURS = { sensor: '#a6bbcf', signal: '#e2a3a3', data: '#C7E9C0', model: '#E2D96E', aws: '#F3B567' };
  // A model's feature sets and windows, as the runtime names them (src/signal/window-features.ts: FEATURE_SETS,
  // WINDOW_CHOICES; a set of window features is one that needsWindows): a test keeps them equal.
  const FEATURE_SETS = ['published', 'recommended'];
  const WINDOWED_FEATURE_SETS = ['recommended'];
  const WINDOW_CHOICES = [10, 30, 60];

  /** A catalogue key: relative ('interval') to '<catalogue>.<group>.interval', or absolute ('reader.label.hat'). */
  function keyOf(ctx, key, group) {
    if (/[.:]/.test(key)) return key;
    const where = group === undefined ? 'label' : group;
    return ctx.catalogue + '.' + (where ? where + '.' : '') + key;
  }

  function escapeAttr(text) {
    return String(text).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  }

  function widthStyle(width) {
    if (width === undefined) return '';
    return ' style="width: ' + (typeof width === 'number' ? width + 'px' : width) + '"';
  }

  /** The label in front of a field: icon and catalogue text. */
  function labelHtml(ctx, id, icon, key, style) {
    const icons = icon ? '<i class="fa fa-' + icon + '"></i> ' : '';
    const text = key ? '<span data-i18n="' + keyOf(ctx, key) + '"></span>' : '';
    return '<label for="' + id + '"' + (style ? ' style="' + style + '"' : '') + '>' + icons + text + '</label>';
  }

  /** Placeholder: literal text, or a catalogue key (true: '<catalogue>.placeholder.<prop>'). */
  function placeholderAttr(ctx, prop, opts) {
    if (opts.placeholder !== undefined) return ' placeholder="' + escapeAttr(opts.placeholder) + '"';
    if (opts.placeholderKey === undefined) return '';
    const key = opts.placeholderKey === true ? prop : opts.placeholderKey;
    return ' data-i18n="[placeholder]' + keyOf(ctx, key, 'placeholder') + '"';
  }

  /** Text after a field: a unit (literal, e.g. 'ms') or a hint from the catalogue (unitKey). */
  function unitHtml(ctx, opts) {
    if (opts.unitKey) return '<span data-i18n="' + keyOf(ctx, opts.unitKey) + '"></span>';
    return opts.unit ? '<span>' + opts.unit + '</span>' : '';
  }

  /**
   * A field: its elements are made when the type registers (they need the catalogue and the id prefix,
   * node-input- or node-config-input-); `opts.when` shows its row only for some settings.
   */
  function field(opts, render) {
    return { when: opts.when, render: render };
  }

  /**
   * A text input. opts: placeholder | placeholderKey, width, unit | unitKey, type ('password'), labelStyle,
   * label: false (a second field after the first one's text, e.g. "1000 to 30000").
   */
  function text(prop, icon, key, opts) {
    opts = opts || {};
    return field(opts, function (ctx) {
      const id = ctx.prefix + prop;
      const type = opts.type || 'text';
      const auto = type === 'password' ? ' autocomplete="off"' : '';
      return [
        opts.label === false ? '' : labelHtml(ctx, id, icon, key, opts.labelStyle),
        '<input type="' + type + '" id="' + id + '"' + placeholderAttr(ctx, prop, opts) + widthStyle(opts.width) + auto + '>',
        unitHtml(ctx, opts),
      ];
    });
  }

  /** A number field: a short text input (the editor keeps settings as strings) with its unit. */
  function number(prop, icon, key, opts) {
    opts = opts || {};
    return text(prop, icon, key, Object.assign({ width: 80 }, opts));
  }

  /** A multi-line text field. opts: rows, width, placeholderKey; no icon and key: a row continuing the one above. */
  function textarea(prop, icon, key, opts) {
    opts = opts || {};
    return field(opts, function (ctx) {
      const id = ctx.prefix + prop;
      return [
        labelHtml(ctx, id, icon, key),
        '<textarea id="' + id + '" rows="' + (opts.rows || 2) + '"' + widthStyle(opts.width || '70%') + placeholderAttr(ctx, prop, opts) + '></textarea>',
      ];
    });
  }

  /**
   * A select. choices: ['value', ...] shown as they are, or [[value, key], ...] with catalogue keys as for
   * labels (opts.literal: [[value, text], ...]). opts: width.
   */
  function select(prop, icon, key, choices, opts) {
    opts = opts || {};
    return field(opts, function (ctx) {
      const id = ctx.prefix + prop;
      const options = choices
        .map(function (choice) {
          if (typeof choice === 'string') return '<option value="' + escapeAttr(choice) + '">' + choice + '</option>';
          if (opts.literal) return '<option value="' + escapeAttr(choice[0]) + '">' + choice[1] + '</option>';
          return '<option value="' + escapeAttr(choice[0]) + '" data-i18n="' + keyOf(ctx, choice[1]) + '"></option>';
        })
        .join('');
      return [labelHtml(ctx, id, icon, key, opts.labelStyle), '<select id="' + id + '"' + widthStyle(opts.width) + '>' + options + '</select>'];
    });
  }

  /**
   * A checkbox with its text as a clickable label. opts: heading and icon (a labelled first column), html
   * (the text holds markup), inline (after another field in the same row).
   */
  function checkbox(prop, key, opts) {
    opts = opts || {};
    return field(opts, function (ctx) {
      const id = ctx.prefix + prop;
      const i18n = (opts.html ? '[html]' : '') + keyOf(ctx, key);
      if (opts.inline) {
        return [
          '<input type="checkbox" id="' + id + '" style="width: auto; margin-left: 20px; vertical-align: top">',
          '<label for="' + id + '" style="width: auto" data-i18n="' + i18n + '"></label>',
        ];
      }
      return [
        opts.heading ? labelHtml(ctx, id, opts.icon, opts.heading) : '<label for="' + id + '">&nbsp;</label>',
        '<input type="checkbox" id="' + id + '" style="display: inline-block; width: auto; vertical-align: top;">',
        '<label for="' + id + '" style="width: 70%" data-i18n="' + i18n + '"></label>',
      ];
    });
  }

  /** A config node picker (Node-RED turns the input into a select with an edit button). */
  function config(prop, icon, key, opts) {
    return text(prop, icon, key, opts);
  }

  /** A tip under the fields, from the catalogue (may hold HTML). */
  function tip(key) {
    return { tip: true, render: (ctx) => '<div class="form-tips" style="margin-bottom: 12px" data-i18n="[html]' + keyOf(ctx, key) + '"></div>' };
  }

  // The rows several nodes share.
  const rows = {
    name: (opts) => text('name', 'tag', 'node-red:common.label.name', opts),
    /** the participant a node works for; blank: each msg names one */
    participant: (opts) => text('participant', 'user', 'participant', Object.assign({ placeholderKey: true }, opts)),
    /** the AWS config node (credentials, region) */
    aws: (opts) => config('aws', 'cloud', 'aws', opts),
    /** the prefix of the participants' SageMaker endpoints, as the cloud stack names them */
    endpointPrefix: (opts) => text('endpointPrefix', 'tag', 'prefix', Object.assign({ placeholder: 'emotion', width: 150, unitKey: 'prefixHint' }, opts)),
    /** the feature set a model uses (emotion-train and emotion-infer's catalogues: featureSet, featureSetPublished, ...) */
    featureSet: (opts) =>
      select('featureSet', 'sliders', 'featureSet', FEATURE_SETS.map((name) => [name, 'featureSet' + name.charAt(0).toUpperCase() + name.slice(1)]), Object.assign({ width: '70%' }, opts)),
    /** the window a set of window features is computed over, shown only for such a set; blank: the set's own */
    featureWindow: () =>
      select('windowSeconds', 'hourglass-half', 'windowSeconds', [['', 'windowOfSet']].concat(WINDOW_CHOICES.map(String)), { width: 200, when: { featureSet: WINDOWED_FEATURE_SETS } }),
    /** the Grove Base Hat config node a sensor reads through */
    hat: () => config('hat', 'microchip', 'reader.label.hat'),
    /** the hat's analog channel: sockets A0, A2, A4 and A6 carry channels 0, 2, 4 and 6 */
    channel: () =>
      select('channel', 'plug', 'reader.label.channel', [0, 1, 2, 3, 4, 5, 6, 7].map((c) => [String(c), c % 2 ? String(c) : 'A' + c + ' (' + c + ')']), {
        width: 120,
        literal: true,
      }),
  };

  /** One row: its fields side by side; shown only for the settings the first field's `when` names. */
  function rowHtml(ctx, entry) {
    if (entry.tip) return entry.render(ctx);
    const fields = Array.isArray(entry) ? entry : [entry];
    const when = fields[0].when;
    const attr = when ? ' data-emotion-when="' + escapeAttr(JSON.stringify(when)) + '"' : '';
    const elements = fields.flatMap((f) => [].concat(f.render(ctx))).filter(Boolean);
    return '<div class="form-row"' + attr + '>\n  ' + elements.join('\n  ') + '\n</div>';
  }

  /** Shows each row marked with `when` only while the select(s) it names hold one of its values. */
  function bindWhen(prefix) {
    const form = $('#' + prefix + 'name').closest('form'); // every node has a name
    const marked = form.find('[data-emotion-when]');
    const conditions = marked.map((_, row) => JSON.parse(row.getAttribute('data-emotion-when'))).get();
    const update = () =>
      marked.each((i, row) => {
        const when = conditions[i];
        $(row).toggle(Object.keys(when).every((p) => [].concat(when[p]).indexOf(form.find('#' + prefix + p).val()) >= 0));
      });
    new Set(conditions.flatMap(Object.keys)).forEach((p) => form.find('#' + prefix + p).on('change', update));
    update();
  }

  /**
   * The settings' version and the steps that bring an older node's settings to it, as the runtime hands them
   * to the editor (nodes/lib/migrations.ts: the node setting RED.settings.<type>Migrations).
   */
  function migrationsOf(type) {
    const name = type.replace(/[^a-zA-Z0-9]+(.)/g, (_, c) => c.toUpperCase()) + 'Migrations';
    return RED.settings[name];
  }

  /**
   * A node of this package from an older flow (loaded or imported) takes the settings it lacks, as the
   * runtime does when it starts it, so its dialog shows them and the next deploy saves them.
   */
  function migrate(node) {
    const migrations = migrationsOf(node.type);
    const raw = node.__node__ || node; // the editor's proxy refuses changes on a locked flow: this is no edit
    const from = Number(raw.version) || 0;
    if (!migrations || from >= migrations.version) return;
    migrations.steps.forEach((step) => {
      if (step.version <= from) return;
      Object.keys(step.add).forEach((name) => {
        if (raw[name] === undefined) raw[name] = JSON.parse(JSON.stringify(step.add[name]));
      });
    });
    raw.version = migrations.version;
  }

  /**
   * Registers a node type with Node-RED: fills in category, colour, palette label, icon, the name and
   * version settings and the dialog template, then hands the definition to RED.nodes.registerType.
   */
  function registerType(type, def) {
    const isConfig = def.family === 'config';
    const ctx = { catalogue: def.catalogue, prefix: isConfig ? 'node-config-input-' : 'node-input-' };
    const out = Object.assign({}, def);
    delete out.family;
    delete out.catalogue;
    delete out.form;
    out.category = isConfig ? 'config' : CATEGORY;
    if (!isConfig) out.color = COLOURS[def.family];
    if (def.icon) out.icon = 'font-awesome/fa-' + def.icon;
    const migrations = migrationsOf(type);
    out.defaults = Object.assign({ name: { value: '' } }, def.defaults, { version: { value: migrations ? migrations.version : 1 } });
    // `this._` is the node set's translator: these run with `this` set to the definition or a node
    if (!isConfig) {
      const palette = def.paletteLabel || 'paletteLabel';
      out.paletteLabel = typeof palette === 'function' ? palette : function () {
        return this._(keyOf(ctx, palette, ''));
      };
    }
    for (const name of ['inputLabels', 'outputLabels']) {
      if (def[name] !== undefined && typeof def[name] !== 'function') {
        const keys = [].concat(def[name]);
        out[name] = function (i) {
          return this._(keyOf(ctx, keys[Math.min(i || 0, keys.length - 1)]));
        };
      }
    }
    if (typeof def.label !== 'function') {
      const labelKey = def.label || 'default';
      out.label = function () {
        return this.name || this._(keyOf(ctx, labelKey));
      };
    }
    if (!def.labelStyle && !isConfig) {
      out.labelStyle = function () {
        return this.name ? 'node_label_italic' : '';
      };
    }
    out.oneditprepare = function () {
      bindWhen(ctx.prefix);
      if (def.oneditprepare) def.oneditprepare.call(this);
    };
    addTemplate(type, (def.form || []).map((entry) => rowHtml(ctx, entry)).join('\n'));
    RED.nodes.registerType(type, out);
  }

  /** The dialog template, where Node-RED's editor looks for it when a node of the type is opened. */
  function addTemplate(type, markup) {
    const container = document.getElementById('red-ui-editor-node-configs') || document.body;
    const script = document.createElement('script');
    script.type = 'text/html';
    script.setAttribute('data-template-name', type);
    script.textContent = markup;
    container.appendChild(script);
  }

  /**
   * A Grove sensor on the hat (grove-gsr, grove-ear-hr): the hat, channel and start-on-deploy settings,
   * rows and labels they share, around the sensor's own (spec.defaults, spec.fields).
   */
  function registerGroveReader(type, spec) {
    registerType(type, {
      catalogue: spec.catalogue,
      family: 'sensor',
      icon: spec.icon,
      inputs: 1,
      outputs: 1,
      defaults: Object.assign(
        {
          hat: { value: '', type: 'emotion-grove-base-hat', required: true },
          channel: { value: spec.channel, validate: RED.validators.regex(/^[0-7]$/) },
        },
        spec.defaults,
        { startOnDeploy: { value: true } },
      ),
      label: function () {
        return this.name || this._(spec.catalogue + '.label.default', { channel: this.channel });
      },
      outputLabels: spec.catalogue + '.outputLabel',
      form: [rows.name(), rows.hat(), rows.channel()].concat(spec.fields, [checkbox('startOnDeploy', 'reader.label.startOnDeploy')]),
    });
  }

  RED.events.on('nodes:add', migrate);

  // Version 0.1.0's type names, before every type took the "emotion-" prefix (two of them belong to other
  // packages too, so they cannot come back). The README's command renames them in a flows file.
  const OLD_TYPES = ['grove-base-hat', 'grove-gsr', 'grove-ear-hr', 'pulse-bpm', 'sensor-record', 'record-store', 'aws-config',
    'firehose-push', 'sns-notify', 'aws-iot-broker', 'aws-iot-in', 'aws-iot-out'];
  const OLD_TYPES_FIX = "sed -E -i 's/\"type\": ?\"(" + OLD_TYPES.join('|') + ")\"/\"type\": \"emotion-\\1\"/' ~/.node-red/flows.json";

  /** The types of 0.1.0 among the nodes the editor does not know (it keeps each one's type as its name). */
  function oldTypesInFlows() {
    const found = new Set();
    const look = (n) => {
      if (n.type === 'unknown' && OLD_TYPES.indexOf(n.name) >= 0) found.add(n.name);
    };
    RED.nodes.eachNode(look);
    RED.nodes.eachConfig(look);
    return Array.from(found).sort();
  }

  let shown; // the notice on screen, replaced when another import brings more
  /** Tells a user whose flow has 0.1.0 type names what to do: Node-RED itself only says they are unknown. */
  function noticeOldTypes() {
    const types = oldTypesInFlows();
    if (types.length === 0) return;
    // the package-wide editor texts live in the hat's catalogue (the editor loads every node set's)
    const _ = RED.nodes.getType('emotion-grove-base-hat')._;
    const text = (key, vars) => $('<div>').text(_('emotion-iot.oldTypes.' + key, vars)).html();
    const message =
      '<p><strong>' + text('title') + '</strong></p><p>' + text('found', { types: types.join(', ') }) + '</p><p>' + text('fix') + '</p>' +
      '<pre style="white-space: pre-wrap; word-break: break-all">' + $('<div>').text(OLD_TYPES_FIX).html() + '</pre><p>' + text('other') + '</p>';
    if (shown) shown.close();
    shown = RED.notify(message, {
      type: 'warning',
      fixed: true,
      buttons: [
        { text: text('copy'), click: () => RED.clipboard.copyText(OLD_TYPES_FIX) },
        { text: text('close'), class: 'primary', click: () => shown.close() },
      ],
    });
  }

  let noticePending = false;
  RED.events.on('nodes:add', (node) => {
    if (node.type !== 'unknown' || OLD_TYPES.indexOf(node.name) < 0 || noticePending) return;
    noticePending = true; // one notice for the whole import, once its nodes are in
    setTimeout(() => {
      noticePending = false;
      noticeOldTypes();
    }, 0);
  });

  window.emotionIot = {
    registerType: registerType,
    /** the README's command for flows saved with 0.1.0's type names (kept equal by a test) */
    oldTypesFix: OLD_TYPES_FIX,
    registerGroveReader: registerGroveReader,
    // fields
    text: text,
    number: number,
    textarea: textarea,
    select: select,
    checkbox: checkbox,
    config: config,
    tip: tip,
    rows: rows,
    // checks
    /** A participant name the runtime accepts, or blank (then each msg names one). */
    participant: function (v) {
      var name = String(v == null ? '' : v).trim().normalize('NFC');
      if (name === '') return true;
      return (
        /^[\p{L}\p{N}][\p{L}\p{M}\p{N} _.-]{0,63}$/u.test(name) &&
        name.indexOf('..') < 0 &&
        !/^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/iu.test(name) &&
        name.charAt(name.length - 1) !== '.'
      );
    },
    /** A number from min to max (opts.integer: whole; opts.blank: or blank, the runtime's default). */
    range: function (min, max, opts) {
      opts = opts || {};
      return function (v) {
        const text = String(v == null ? '' : v).trim();
        if (text === '') return !!opts.blank;
        const n = Number(text);
        return Number.isFinite(n) && (!opts.integer || Number.isInteger(n)) && n >= min && n <= max;
      };
    },
    /** the runtime's feature set names and window choices (src/signal/window-features.ts) */
    featureSets: FEATURE_SETS,
    windowedFeatureSets: WINDOWED_FEATURE_SETS,
    windowChoices: WINDOW_CHOICES,
    /** A feature set's name. */
    featureSet: function (v) {
      return FEATURE_SETS.indexOf(v) >= 0;
    },
    /** A window of WINDOW_CHOICES, or blank (the feature set's own). */
    featureWindow: function (v) {
      const text = String(v == null ? '' : v).trim();
      return text === '' || WINDOW_CHOICES.indexOf(Number(text)) >= 0;
    },
    /** Blank, or 1-30 letters, digits and single dashes. */
    endpointPrefix: function (v) {
      return /^(|[a-zA-Z0-9](-?[a-zA-Z0-9]){0,29})$/.test(v);
    },
    /** An AWS config node, required only while the node's backend is `awsBackend`. */
    awsConfigFor: function (awsBackend) {
      return function (v) {
        return this.backend !== awsBackend || (!!v && v !== '_ADD_');
      };
    },
  };
})();
