// An in-memory Database plugin for ltijs (Provider.setup's `plugin`
// option), so the benchmark runs ltijs without MongoDB. It implements the
// interface of node_modules/ltijs/dist/Utils/Database.js: setup, Close,
// Get, Insert, Replace, Modify, Delete, Encrypt, Decrypt, with the same
// answers (Get gives false when nothing matches; encrypted collections
// give back the decrypted items) and the TTLs of ltijs's Mongo schemas,
// so memory stays bounded over a long run.
//
// It is faster than any real database ltijs could use: the comparison
// with Passerelle (whose launches write to SQLite with fsync) favours
// ltijs.
'use strict';

const crypto = require('node:crypto');

// Seconds, as ltijs's schemas say (createdAt expires).
const TTL = { idtoken: 86400, contexttoken: 86400, accesstoken: 3600, nonce: 10, state: 600 };

function matches(doc, query) {
  if (!query) return true;
  for (const [k, v] of Object.entries(query)) {
    if (typeof v === 'object' && v !== null) {
      if (JSON.stringify(doc[k]) !== JSON.stringify(v)) return false;
    } else if (doc[k] !== v) {
      return false;
    }
  }
  return true;
}

class MemoryDatabase {
  constructor() {
    this.collections = new Map();
    this.writes = 0;
  }

  rows(collection) {
    let rows = this.collections.get(collection);
    if (!rows) this.collections.set(collection, (rows = []));
    return rows;
  }

  // Drop what Mongo's TTL indexes would have dropped (every 1,000 writes).
  expire() {
    if (++this.writes % 1000) return;
    const now = Date.now();
    for (const [name, rows] of this.collections) {
      const ttl = TTL[name];
      if (!ttl) continue;
      this.collections.set(name, rows.filter((r) => now - r.createdAt < ttl * 1000));
    }
  }

  async setup() { return true; }

  async Close() { this.collections.clear(); return true; }

  async Get(ENCRYPTIONKEY, collection, query) {
    if (!collection) throw new Error('MISSING_COLLECTION');
    const ttl = TTL[collection];
    const now = Date.now();
    const found = this.rows(collection).filter((r) => (!ttl || now - r.createdAt < ttl * 1000) && matches(r.index, query));
    if (found.length === 0) return false;
    return found.map((r) => {
      const item = structuredClone(r.item);
      if (ENCRYPTIONKEY && r.createdAt) item.createdAt = r.createdAt;
      return item;
    });
  }

  // Encrypted documents are found by their index fields only, as in Mongo.
  make(ENCRYPTIONKEY, item, index) {
    return { index: ENCRYPTIONKEY ? { ...index } : structuredClone(item), item: structuredClone(item), createdAt: Date.now() };
  }

  async Insert(ENCRYPTIONKEY, collection, item, index) {
    if (!collection || !item || (ENCRYPTIONKEY && !index)) throw new Error('MISSING_PARAMS');
    this.rows(collection).push(this.make(ENCRYPTIONKEY, item, index));
    this.expire();
    return true;
  }

  async Replace(ENCRYPTIONKEY, collection, query, item, index) {
    if (!collection || !item || (ENCRYPTIONKEY && !index)) throw new Error('MISSING_PARAMS');
    const rows = this.rows(collection);
    const doc = this.make(ENCRYPTIONKEY, item, index);
    const at = rows.findIndex((r) => matches(r.index, query));
    if (at >= 0) rows[at] = doc;
    else rows.push(doc);
    this.expire();
    return true;
  }

  async Modify(ENCRYPTIONKEY, collection, query, modification) {
    if (!collection || !query || !modification) throw new Error('MISSING_PARAMS');
    const row = this.rows(collection).find((r) => matches(r.index, query));
    if (!row) return true;
    const change = modification.$set || modification;
    Object.assign(row.item, structuredClone(change));
    if (!ENCRYPTIONKEY) Object.assign(row.index, structuredClone(change));
    return true;
  }

  async Delete(collection, query) {
    if (!collection || !query) throw new Error('MISSING_PARAMS');
    this.collections.set(collection, this.rows(collection).filter((r) => !matches(r.index, query)));
    return true;
  }

  // The same cipher as ltijs's, for callers that use them directly.
  async Encrypt(data, secret) {
    const key = crypto.createHash('sha256').update(secret).digest().subarray(0, 32);
    const iv = crypto.randomBytes(16);
    const cipher = crypto.createCipheriv('aes-256-cbc', key, iv);
    return { iv: iv.toString('hex'), data: Buffer.concat([cipher.update(data), cipher.final()]).toString('hex') };
  }

  async Decrypt(data, iv, secret) {
    const key = crypto.createHash('sha256').update(secret).digest().subarray(0, 32);
    const decipher = crypto.createDecipheriv('aes-256-cbc', key, Buffer.from(iv, 'hex'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'hex')), decipher.final()]).toString();
  }
}

module.exports = { MemoryDatabase };
