import { useEffect, useState } from 'react';

const euros = (cents) => (cents / 100).toFixed(2) + ' €';

export default function App() {
  const [products, setProducts] = useState([]);
  const [error, setError] = useState(null);
  const [ordered, setOrdered] = useState(null);

  useEffect(() => {
    fetch('/api/products')
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then(setProducts)
      .catch((e) => setError(e.message));
  }, []);

  async function order(product) {
    const r = await fetch('/api/orders', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ product_id: product.id, quantity: 1 }),
    });
    setOrdered(r.ok ? `Order ${(await r.json()).id}: ${product.name}` : `Order failed (HTTP ${r.status})`);
  }

  return (
    <main>
      <h1>Shop</h1>
      {error && <p role="alert">Cannot load the products: {error}</p>}
      <ul>
        {products.map((p) => (
          <li key={p.id}>
            {p.name} — {euros(p.price_cents)} <button onClick={() => order(p)}>Buy</button>
          </li>
        ))}
      </ul>
      {ordered && <p>{ordered}</p>}
    </main>
  );
}
