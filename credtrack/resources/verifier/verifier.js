/* credtrack's offline certificate verifier.
 *
 * Checks a certificate's QR text the way credtrack/certificates/verify.py does, in the same order:
 * format (only the canonical form: the exact "CT1:" prefix, base45, one complete zlib stream and
 * nothing after it, one tagged COSE_Sign1 and nothing after it), the ES256 signature against the
 * keys this page holds, the issuers' signed revocation lists, then the validity period.
 * Libraries: jsQR (QR images), cbor-x (CBOR), Digital Bazaar's base45; zlib is the browser's own
 * DecompressionStream and the signature check is WebCrypto.
 */
(function () {
  "use strict";

  var PREFIX = "CT1:";
  var MAX_COSE_BYTES = 64 * 1024;
  var COSE_SIGN1_TAG = 18;
  var ALG_ES256 = -7;
  var HDR_ALG = 1, HDR_KID = 4;
  var CLAIM_ISS = 1, CLAIM_EXP = 4, CLAIM_IAT = 6, CLAIM_CTI = 7, CLAIM_CREDTRACK = -70001;
  var DETAIL_HOLDER = 1, DETAIL_TITLE = 2, DETAIL_COMPETENCIES = 3, DETAIL_DIGEST = 4;
  var COSE_KID_BYTES = 8;
  var BASE45_TEXT = /^[0-9A-Z $%*+\-./:]*$/;
  // Python's str.strip() whitespace, so both verifiers read the same text.
  var PY_SPACE = "[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
  var STRIP = new RegExp("^" + PY_SPACE + "+|" + PY_SPACE + "+$", "g");
  var ADDRESS = /^[A-Za-z][A-Za-z0-9+.\-]*:\/\/[^#\s]*#([\s\S]*)$/;
  var FRAGMENT = /^(?:[0-9A-Z$*+\-./:]|%20|%25)*$/;

  var LABELS = {
    valid: "Valid", expired: "Expired", revoked: "Revoked", superseded: "Superseded",
    unknown_issuer: "Unknown issuer", altered_or_forged: "Altered or forged", unreadable: "Unreadable"
  };

  var data = JSON.parse(document.getElementById("credtrack-trust").textContent);
  var decoder = new CBOR.Decoder({ mapsAsObjects: false, useRecords: false });
  var encoder = new CBOR.Encoder({ useRecords: false, mapsAsObjects: false, tagUint8Array: false });
  var ready = prepare();

  function Failure(verdict, message) { this.verdict = verdict; this.message = message; }

  function b64urlDecode(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) { b64 += "="; }
    var raw = atob(b64), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }

  function hex(bytes) {
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }

  function isBytes(value) { return value instanceof Uint8Array; }

  function importKey(jwk) {
    return crypto.subtle.importKey("jwk", { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, ext: true },
      { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
  }

  function verifySignature(key, signature, message) {
    return crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, signature, message);
  }

  // Keys, then each issuer's revocation list, checked against that issuer's keys before it is believed.
  // What a list names counts only for certificates signed with its issuer's keys (verify.IssuerList).
  async function prepare() {
    var keys = [], listed = [], lists = [];
    for (var at = 0; at < data.issuers.length; at++) {
      var issuer = data.issuers[at];
      listed.push({ revocations: Object.create(null), superseded: Object.create(null) });
      for (var k of issuer.keys) {
        try {
          keys.push({ kid: k.kid, short: hex(b64urlDecode(k.kid).slice(0, COSE_KID_BYTES)), status: k.status,
            issuer: issuer.name, listed: listed[at], key: await importKey(k.jwk) });
        } catch (e) { lists.push({ issuer: issuer.name, error: "a public key in this page is damaged" }); }
      }
    }
    for (var index = 0; index < data.issuers.length; index++) {
      var entry = data.issuers[index], own = listed[index];
      if (!entry.revocation_list) { lists.push({ issuer: entry.name, missing: true }); continue; }
      try {
        var body = await readRevocationList(entry.revocation_list,
          keys.filter(function (key) { return key.listed === own; }));
        var source = "revocation list as of " + body.as_of.slice(0, 10);
        for (var item of body.revoked) {
          own.revocations[item.code] = { reason: item.reason || "", revoked_on: item.revoked_on || null, source: source };
        }
        for (var s of body.superseded || []) { own.superseded[s.code] = s.by || ""; }
        lists.push({ issuer: entry.name, as_of: body.as_of, count: body.revoked.length });
      } catch (e) {
        lists.push({ issuer: entry.name, error: e.message });
      }
    }
    return { keys: keys, lists: lists };
  }

  async function readRevocationList(text, keys) {
    var parts = text.trim().split(".");
    if (parts.length !== 3) { throw new Error("its revocation list is not a signed list"); }
    var header = JSON.parse(new TextDecoder().decode(b64urlDecode(parts[0])));
    var key = keys.find(function (k) { return k.kid === header.kid; });
    if (!key || header.alg !== "ES256") { throw new Error("its revocation list is signed by a key this page does not trust"); }
    var signed = new TextEncoder().encode(parts[0] + "." + parts[1]);
    if (!(await verifySignature(key.key, b64urlDecode(parts[2]), signed))) {
      throw new Error("its revocation list's signature does not match: the list was altered");
    }
    var body = JSON.parse(new TextDecoder().decode(b64urlDecode(parts[1])));
    if (body.format !== "credtrack-revocation-list/1") { throw new Error("its revocation list is of an unknown kind"); }
    return body;
  }

  // ---- format: text to COSE bytes (payload.unwrap) ----

  function payloadText(text) {
    var match = ADDRESS.exec(text);
    if (!match) { return text; }
    var fragment = match[1];
    if (fragment.indexOf(PREFIX) !== 0 || !FRAGMENT.test(fragment)) {
      throw new Failure("unreadable", "This address does not carry a certificate code.");
    }
    return fragment.replace(/%20|%25/g, function (m) { return m === "%20" ? " " : "%"; });
  }

  async function inflate(compressed) {
    var stream = new Blob([compressed]).stream().pipeThrough(new DecompressionStream("deflate"));
    var reader = stream.getReader(), chunks = [], total = 0;
    for (;;) {
      var step = await reader.read();
      if (step.done) { break; }
      total += step.value.length;
      if (total > MAX_COSE_BYTES) { await reader.cancel(); throw new Error("holds more than a certificate"); }
      chunks.push(step.value);
    }
    var out = new Uint8Array(total), at = 0;
    for (var c of chunks) { out.set(c, at); at += c.length; }
    return out;
  }

  async function unwrap(text) {
    var damaged = new Failure("unreadable", "The code is damaged or incomplete. Scan it again, or type the certificate code.");
    text = payloadText(text.replace(STRIP, ""));
    if (text.indexOf(PREFIX) !== 0) { throw damaged; }
    var body = text.slice(PREFIX.length);
    if (!BASE45_TEXT.test(body)) { throw damaged; }
    try {
      // DecompressionStream refuses a truncated stream and any byte after the end of the stream.
      return await inflate(base45.decode(body));
    } catch (e) {
      throw damaged;
    }
  }

  // ---- COSE_Sign1 (payload.parse) ----

  function parse(cose) {
    var altered = new Failure("altered_or_forged", "The code's signed structure has been altered.");
    var message, header;
    try {
      message = decoder.decode(cose); // refuses bytes after the message
    } catch (e) { throw altered; }
    if (!(message instanceof CBOR.Tag) || message.tag !== COSE_SIGN1_TAG || !Array.isArray(message.value) ||
        message.value.length !== 4) { throw altered; }
    var protectedBytes = message.value[0], unprotected = message.value[1];
    var payload = message.value[2], signature = message.value[3];
    try { header = decoder.decode(protectedBytes); } catch (e) { throw altered; }
    if (!(header instanceof Map) || !header.has(HDR_KID) || !header.has(HDR_ALG)) { throw altered; }
    if (!(unprotected instanceof Map) || unprotected.size !== 0) {
      throw new Failure("altered_or_forged", "The code's signed structure has been altered: unsigned header content was added.");
    }
    if (header.get(HDR_ALG) !== ALG_ES256) { throw altered; }
    var kid = header.get(HDR_KID);
    if (![protectedBytes, payload, signature, kid].every(isBytes) || signature.length !== 64) { throw altered; }
    return { kid: kid, protectedBytes: protectedBytes, payload: payload, signature: signature };
  }

  function toBeSigned(signed) {
    return encoder.encode(["Signature1", signed.protectedBytes, new Uint8Array(0), signed.payload]);
  }

  // ---- claims (payload.decode_claims) ----

  function epochDay(seconds) {
    if (typeof seconds !== "number" || !isFinite(seconds)) { throw new Error("not a date"); }
    return new Date(Math.floor(Math.trunc(seconds) / 86400) * 86400000).toISOString().slice(0, 10);
  }

  function decodeClaims(bytes) {
    var body = decoder.decode(bytes);
    if (!(body instanceof Map)) { throw new Error("not a map"); }
    var details = body.get(CLAIM_CREDTRACK);
    if (!(details instanceof Map)) { throw new Error("no details"); }
    var cti = body.get(CLAIM_CTI);
    if (!isBytes(cti) || cti.some(function (b) { return b > 127; })) { throw new Error("bad code"); }
    var competencies = details.has(DETAIL_COMPETENCIES) ? details.get(DETAIL_COMPETENCIES) : [];
    if (!Array.isArray(competencies)) { throw new Error("bad competencies"); }
    var claims = {
      issuer: body.get(CLAIM_ISS),
      code: String.fromCharCode.apply(null, cti),
      holder_name: details.get(DETAIL_HOLDER),
      credential_title: details.get(DETAIL_TITLE),
      issued_on: epochDay(body.get(CLAIM_IAT)),
      expires_on: body.has(CLAIM_EXP) && body.get(CLAIM_EXP) !== null ? epochDay(body.get(CLAIM_EXP)) : null,
      competencies: competencies
    };
    var texts = [claims.issuer, claims.code, claims.holder_name, claims.credential_title].concat(competencies);
    if (!texts.every(function (t) { return typeof t === "string"; })) { throw new Error("not text"); }
    if (details.has(DETAIL_DIGEST) && !isBytes(details.get(DETAIL_DIGEST))) { throw new Error("bad digest"); }
    return claims;
  }

  function localToday() {
    var now = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  }

  // ---- the verdict (verify.verify_text) ----

  async function verifyText(text) {
    var trust = await ready;
    var signed;
    try {
      signed = parse(await unwrap(text));
    } catch (e) {
      if (e instanceof Failure) { return e; }
      throw e;
    }
    var short = hex(signed.kid);
    var candidates = trust.keys.filter(function (k) { return k.short === short; });
    if (!candidates.length) {
      return new Failure("unknown_issuer", "The code names a signing key this page does not trust: either its issuer " +
        "is not one the publisher of this page trusts, or the key id in the code was changed. Treat the certificate " +
        "as not genuine unless its issuer confirms it another way.");
    }
    var message = toBeSigned(signed), key = null;
    for (var candidate of candidates) {
      if (await verifySignature(candidate.key, signed.signature, message)) { key = candidate; break; }
    }
    if (!key) { return new Failure("altered_or_forged", "The signature does not match: this certificate was altered or forged."); }
    var claims;
    try { claims = decodeClaims(signed.payload); } catch (e) {
      return new Failure("altered_or_forged", "The signed content is not a credtrack certificate.");
    }
    var result = { claims: claims, issuer: key.issuer, keyStatus: key.status };
    var revocation = key.listed.revocations[claims.code];
    if (revocation) {
      result.verdict = "revoked";
      result.message = "Revoked" + (revocation.revoked_on ? " on " + revocation.revoked_on : "") + ": " + revocation.reason;
      result.revocation = revocation;
    } else if (claims.code in key.listed.superseded) {
      var newer = key.listed.superseded[claims.code];
      result.verdict = "superseded";
      result.message = "This certificate was replaced by a newer one" + (newer ? " (" + newer + ")." : ".");
    } else if (claims.expires_on !== null && localToday() > claims.expires_on) {
      result.verdict = "expired";
      result.message = "Expired on " + claims.expires_on + ".";
    } else {
      result.verdict = "valid";
      result.message = "Genuine, unaltered and in force.";
    }
    return result;
  }

  // ---- showing it ----

  var verdictBox = document.getElementById("verdict");
  var detailsBox = document.getElementById("details");

  function show(result) {
    document.getElementById("verdict-word").textContent = LABELS[result.verdict];
    document.getElementById("verdict-message").textContent = result.message;
    detailsBox.textContent = "";
    if (result.claims) {
      var c = result.claims;
      var rows = [["Holder", c.holder_name], ["Credential", c.credential_title]];
      if (c.competencies.length) { rows.push(["Competencies", c.competencies.join(", ")]); }
      rows.push(["Issued", c.issued_on], ["Expires", c.expires_on || "never"], ["Certificate", c.code],
        ["Issuer", (result.issuer || "(unnamed)") + (result.keyStatus === "retired" ? " (signed with a retired key)" : "")]);
      if (result.revocation) { rows.push(["Revocation", "from the issuer's " + result.revocation.source]); }
      for (var row of rows) {
        var dt = document.createElement("dt"), dd = document.createElement("dd");
        dt.textContent = row[0]; dd.textContent = row[1];
        detailsBox.append(dt, dd);
      }
    }
    detailsBox.hidden = !result.claims;
    verdictBox.dataset.verdict = result.verdict;
  }

  var checking = 0;
  async function check(text) {
    var mine = ++checking;
    verdictBox.dataset.verdict = "";
    document.getElementById("verdict-word").textContent = "Checking…";
    document.getElementById("verdict-message").textContent = "";
    detailsBox.hidden = true;
    var result;
    try {
      result = await verifyText(text);
    } catch (e) {
      result = new Failure("unreadable", "This page could not check the input (" + e.message + "). Try the QR text instead.");
    }
    if (mine === checking) { show(result); }
  }

  function noQr(message) {
    show(new Failure("unreadable", message || "No QR code was found. Use a sharper, evenly lit photo, or paste the code's text."));
  }

  function readImage(source, width, height) {
    var longest = Math.max(width, height);
    // Several sizes: a small copy finds a large code fast, the full size finds a small one.
    var sizes = [1200, 2000, 3000].filter(function (s) { return s < longest; }).concat([Math.min(longest, 4000)]);
    for (var size of sizes) {
      var scale = size / longest;
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(width * scale));
      canvas.height = Math.max(1, Math.round(height * scale));
      var context = canvas.getContext("2d", { willReadFrequently: true });
      context.drawImage(source, 0, 0, canvas.width, canvas.height);
      var pixels = context.getImageData(0, 0, canvas.width, canvas.height);
      var found = jsQR(pixels.data, pixels.width, pixels.height, { inversionAttempts: "attemptBoth" });
      if (found && found.data) { return found.data; }
    }
    return null;
  }

  async function checkFile(file) {
    if (!file) { return; }
    verdictBox.dataset.verdict = "";
    document.getElementById("verdict-word").textContent = "Reading the image…";
    document.getElementById("verdict-message").textContent = "";
    if (file.type === "application/pdf" || /\.pdf$/i.test(file.name)) {
      noQr("This page reads images, not PDF files. Open the PDF, take a screenshot of the page with the QR code, and open that.");
      return;
    }
    var bitmap;
    try { bitmap = await createImageBitmap(file); } catch (e) {
      noQr("This file is not an image this browser can read. Use a PNG or JPEG photo of the certificate.");
      return;
    }
    var text = readImage(bitmap, bitmap.width, bitmap.height);
    bitmap.close();
    if (text === null) { noQr(); return; }
    document.getElementById("text-input").value = text;
    await check(text);
  }

  function fromAddress() {
    var hash = window.location.hash;
    if (hash.length > 1) {
      document.getElementById("text-input").value = "";
      check(window.location.href);
    }
  }

  // ---- the camera, where the browser offers one ----

  var cameraStream = null;
  async function startCamera() {
    var video = document.getElementById("camera");
    if (cameraStream) { stopCamera(); return; }
    try {
      cameraStream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch (e) {
      noQr("The camera could not be opened (" + e.name + "). Allow the camera, or take a photo and open it instead.");
      return;
    }
    video.srcObject = cameraStream;
    video.hidden = false;
    document.getElementById("camera-button").textContent = "Stop the camera";
    await video.play();
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    var tick = function () {
      if (!cameraStream) { return; }
      if (video.videoWidth) {
        canvas.width = video.videoWidth; canvas.height = video.videoHeight;
        context.drawImage(video, 0, 0);
        var pixels = context.getImageData(0, 0, canvas.width, canvas.height);
        var found = jsQR(pixels.data, pixels.width, pixels.height, { inversionAttempts: "dontInvert" });
        if (found && found.data) {
          stopCamera();
          document.getElementById("text-input").value = found.data;
          check(found.data);
          return;
        }
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  function stopCamera() {
    if (cameraStream) { cameraStream.getTracks().forEach(function (t) { t.stop(); }); }
    cameraStream = null;
    var video = document.getElementById("camera");
    video.hidden = true;
    video.srcObject = null;
    document.getElementById("camera-button").textContent = "Scan with the camera";
  }

  // ---- what the page trusts, and how fresh it is ----

  function daysSince(iso) {
    // credtrack writes UTC times; one without a zone is UTC too.
    var utc = /(Z|[+-]\d\d:\d\d)$/i.test(iso) ? iso : iso + "Z";
    return Math.floor((Date.now() - Date.parse(utc)) / 86400000);
  }

  async function showTrust() {
    var trust = await ready;
    var lines = [];
    for (var list of trust.lists) {
      if (list.error) { lines.push({ text: list.issuer + ": " + list.error + ".", warning: true }); }
      else if (list.missing) { lines.push({ text: list.issuer + ": no revocation list; revoked certificates from this issuer show as in force.", warning: true }); }
      else {
        var age = daysSince(list.as_of);
        lines.push({ text: list.issuer + ": revocations as of " + list.as_of.slice(0, 10) + " (" +
          (age <= 0 ? "today" : age === 1 ? "1 day ago" : age + " days ago") + "), " + list.count + " revoked.",
          warning: age > 30 });
      }
    }
    var freshness = document.getElementById("freshness");
    freshness.textContent = "";
    for (var line of lines) {
      var p = document.createElement("span");
      p.textContent = line.text;
      if (line.warning) { p.className = "warning"; }
      freshness.append(p, document.createElement("br"));
    }
    var box = document.getElementById("issuers");
    for (var issuer of data.issuers) {
      var div = document.createElement("div");
      div.className = "issuer";
      var name = document.createElement("strong");
      name.textContent = issuer.name;
      div.append(name, document.createElement("br"));
      for (var k of issuer.keys) {
        var f = document.createElement("span");
        f.className = "fingerprint";
        f.textContent = k.fingerprint;
        div.append("Key ", f, " (" + k.status + ")", document.createElement("br"));
      }
      box.append(div);
    }
  }

  document.getElementById("check-button").addEventListener("click", function () {
    check(document.getElementById("text-input").value);
  });
  document.getElementById("text-input").addEventListener("paste", function () {
    setTimeout(function () { check(document.getElementById("text-input").value); }, 0);
  });
  document.getElementById("file-input").addEventListener("change", function (event) {
    checkFile(event.target.files[0]);
    event.target.value = "";
  });
  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.isSecureContext) {
    var cameraButton = document.getElementById("camera-button");
    cameraButton.hidden = false;
    cameraButton.addEventListener("click", startCamera);
  }
  // Without live video (a page opened from a file on some phones), the file picker still offers the camera.
  window.addEventListener("hashchange", fromAddress);
  showTrust();
  fromAddress();
  window.credtrackVerifier = { verifyText: verifyText };
})();
