// Field checks shared by this package's node editors. They only mark a field red before a deploy: the
// runtime's own checks stay the authority (src/record/paths.ts for participant names,
// src/aws/endpoint-prefix.ts for endpoint prefixes), and these mirror them.
window.emotionIot = window.emotionIot || {
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
  /** Blank, or 1-30 letters, digits and single dashes; flows saved before the field existed lack it. */
  endpointPrefix: function (v) {
    return v === undefined || /^(|[a-zA-Z0-9](-?[a-zA-Z0-9]){0,29})$/.test(v);
  },
  /** An AWS config node, required only while the node's backend is `awsBackend`. */
  awsConfigFor: function (awsBackend) {
    return function (v) {
      return this.backend !== awsBackend || (!!v && v !== '_ADD_');
    };
  },
};
