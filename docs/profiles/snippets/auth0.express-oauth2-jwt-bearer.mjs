// An API protected by express-oauth2-jwt-bearer, called with a machine-to-machine token of the shop tenant of
// fixtures/profiles/auth0.yaml.
import express from 'express';
import { auth } from 'express-oauth2-jwt-bearer';

const idp = process.env.MOCKIDP_URL ?? 'https://127.0.0.1:9400';
const issuerBaseURL = `${idp}/shop/`; // as https://{tenant}.auth0.com/ (with the trailing slash)

const api = express();
api.use(auth({ issuerBaseURL, audience: 'https://api.shop.example.com/' }));
api.get('/inventory', (req, res) => res.json({ caller: req.auth.payload.sub, grant: req.auth.payload.gty }));
const server = api.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));

// The inventory sync job gets a token with client credentials, as from https://{tenant}.auth0.com/oauth/token.
const response = await fetch(`${issuerBaseURL}oauth/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ grant_type: 'client_credentials', client_id: 'm2m', client_secret: 'm2m-secret', audience: 'https://api.shop.example.com/' }),
});
const { access_token } = await response.json();

const answer = await fetch(`http://127.0.0.1:${server.address().port}/inventory`, { headers: { authorization: `Bearer ${access_token}` } });
console.log(answer.status, JSON.stringify(await answer.json()));
server.close();
