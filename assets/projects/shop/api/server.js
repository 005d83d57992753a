// shop-api: the shop's REST API. PostgreSQL holds the products and the orders; Redis caches
// the product list (cache-aside).
//
// Environment:
//   PORT (3000)
//   DB_HOST (db), DB_PORT (5432), DB_USER (shop), DB_NAME (shop)
//   DB_PASSWORD, or DB_PASSWORD_FILE: a file holding it (a secret at /run/secrets/db_password)
//   REDIS_HOST (unset: no cache), REDIS_PORT (6379), CACHE_TTL_S (30)
const fs = require('fs');
const express = require('express');
const morgan = require('morgan');
const { Pool } = require('pg');
const { createClient } = require('redis');

const port = Number(process.env.PORT || 3000);
const dbHost = process.env.DB_HOST || 'db';
const dbPort = Number(process.env.DB_PORT || 5432);
const dbUser = process.env.DB_USER || 'shop';
const dbName = process.env.DB_NAME || 'shop';
const cacheTtl = Number(process.env.CACHE_TTL_S || 30);
const password = process.env.DB_PASSWORD_FILE
  ? fs.readFileSync(process.env.DB_PASSWORD_FILE, 'utf8').trim()
  : process.env.DB_PASSWORD;

const db = new Pool({ host: dbHost, port: dbPort, user: dbUser, database: dbName, password });
db.on('error', (err) => console.error(`postgres: ${err.message}`));

// Counted by this process: a restarted container starts again from 0.
const stats = { cache_hits: 0, cache_misses: 0, cache_bypassed: 0, orders: 0 };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function connectDatabase(attempts = 5) {
  console.log(`shop-api: connecting to postgres at ${dbHost}:${dbPort} (database ${dbName}, user ${dbUser})`);
  for (let attempt = 1; ; attempt++) {
    try {
      await db.query('SELECT 1');
      console.log(`connected to postgres at ${dbHost}:${dbPort}`);
      return;
    } catch (err) {
      if (attempt === attempts) throw err; // not caught: Node prints it and exits 1
      console.error(`postgres at ${dbHost}:${dbPort} not ready (attempt ${attempt}/${attempts}): ${err.message}; retrying in 2 s`);
      await sleep(2000);
    }
  }
}

async function migrate() {
  await db.query('CREATE TABLE IF NOT EXISTS products (id serial PRIMARY KEY, name text NOT NULL, price_cents integer NOT NULL)');
  await db.query('CREATE TABLE IF NOT EXISTS orders (id serial PRIMARY KEY, product_id integer NOT NULL, quantity integer NOT NULL)');
  const { rows } = await db.query('SELECT count(*) FROM products');
  if (Number(rows[0].count) === 0) {
    await db.query(
      "INSERT INTO products (name, price_cents) VALUES ('Espresso cup', 1200), ('Pour-over kettle', 4500), ('Coffee beans 1 kg', 2800)",
    );
    console.log('seeded 3 products');
  }
}

// The cache is optional: without REDIS_HOST every request reads PostgreSQL.
const cacheAt = process.env.REDIS_HOST && `${process.env.REDIS_HOST}:${process.env.REDIS_PORT || 6379}`;
const cache = cacheAt && createClient({ url: `redis://${cacheAt}`, socket: { reconnectStrategy: false } });
let cacheDown = false;
if (cache) cache.on('error', () => {}); // handled where the cache is used

// Runs `fn` against Redis, reconnecting if needed. An outage is logged once, when it starts.
async function withCache(fn) {
  if (!cache) return { skipped: true };
  try {
    if (!cache.isOpen) await cache.connect();
    const value = await fn(cache);
    if (cacheDown) console.log(`redis at ${cacheAt} is back: caching again`);
    cacheDown = false;
    return { value };
  } catch (err) {
    if (!cacheDown) console.error(`warning: redis at ${cacheAt} unavailable (${err}); answering from postgres without the cache`);
    cacheDown = true;
    return { error: err };
  }
}

const app = express();
app.use(morgan('tiny'));

// Cache-aside: Redis first; on a miss read PostgreSQL and keep the answer for CACHE_TTL_S.
app.get('/api/products', async (req, res) => {
  const cached = await withCache((c) => c.get('products'));
  if (cached.value) {
    stats.cache_hits++;
    return res.set('X-Cache', 'HIT').type('json').send(cached.value);
  }
  if (cached.error) {
    stats.cache_bypassed++;
    res.set('X-Cache', 'BYPASS');
  } else if (!cached.skipped) {
    stats.cache_misses++;
    res.set('X-Cache', 'MISS');
  }
  let rows;
  try {
    ({ rows } = await db.query('SELECT id, name, price_cents FROM products ORDER BY id'));
  } catch (err) {
    console.error(`GET /api/products: ${err.message}`);
    return res.status(503).json({ error: 'database unavailable' });
  }
  const body = JSON.stringify(rows);
  if (!cached.skipped && !cached.error) await withCache((c) => c.set('products', body, { EX: cacheTtl }));
  res.type('json').send(body);
});

app.post('/api/orders', express.json(), async (req, res) => {
  const productId = Number(req.body && req.body.product_id);
  const quantity = Number((req.body && req.body.quantity) || 1);
  if (!Number.isInteger(productId) || !Number.isInteger(quantity) || quantity < 1) {
    return res.status(400).json({ error: 'product_id and a positive quantity are required' });
  }
  try {
    const { rows } = await db.query(
      'INSERT INTO orders (product_id, quantity) VALUES ($1, $2) RETURNING id',
      [productId, quantity],
    );
    stats.orders++;
    res.status(201).json({ id: rows[0].id, product_id: productId, quantity });
  } catch (err) {
    console.error(`POST /api/orders: ${err.message}`);
    res.status(503).json({ error: 'database unavailable' });
  }
});

app.get('/api/stats', (req, res) => res.json(stats));

app.get('/api/health', async (req, res) => {
  try {
    await db.query('SELECT 1');
    res.json({ status: 'ok' });
  } catch (err) {
    res.status(503).json({ status: 'error', error: 'database unavailable' });
  }
});

async function main() {
  await connectDatabase();
  await migrate();
  if (cache) {
    const ok = await withCache((c) => c.ping());
    if (ok.value) console.log(`connected to redis at ${cacheAt}`);
  }
  app.listen(port, () => console.log(`shop-api listening on :${port}`));
}

main();
