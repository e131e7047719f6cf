// The least a Hono Worker can be: what proof/bench/size.ts subtracts from the template's startup CPU.
import { Hono } from 'hono';

export default new Hono().get('/', (c) => c.text('ok'));
