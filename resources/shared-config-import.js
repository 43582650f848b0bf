// The shipped examples share their config nodes (dashboard base and theme, the simulated hat, the MQTT and
// AWS IoT brokers, the AWS account) under fixed ids starting "emotion-iot-", so that importing several
// examples gives one of each. Node-RED's "Import copy" (what the editor offers when an import meets ids
// that already exist) reuses a config node it finds by id, but gives every config node it does not find a
// new id: the next example then cannot find it and brings a second one (two themes, two brokers, and the
// Detect flow and the smart-light tab on different brokers). So, on an "Import copy", this package's
// config nodes that are new to the workspace are imported first under their own ids; the copy that follows
// finds every one of them, as it finds those imported before.
(function () {
  if (window.emotionIotSharedConfigImport) return;
  window.emotionIotSharedConfigImport = true;
  var PREFIX = 'emotion-iot-';
  var importNodes = RED.view.importNodes;

  function isNewSharedConfig(n) {
    var def = n && typeof n.id === 'string' && n.id.indexOf(PREFIX) === 0 && RED.nodes.getType(n.type);
    return !!def && def.category === 'config' && !RED.nodes.node(n.id);
  }

  RED.view.importNodes = function (nodes, options) {
    if (options && options.generateIds) {
      var list = null;
      try {
        list = typeof nodes === 'string' ? JSON.parse(nodes) : nodes;
      } catch {
        // not JSON: Node-RED reports it below
      }
      var fresh = Array.isArray(list) ? list.filter(isNewSharedConfig) : [];
      if (fresh.length > 0) importNodes.call(this, fresh, { generateIds: false, addFlow: false, touchImport: true, notify: false });
    }
    return importNodes.apply(this, arguments);
  };
})();
