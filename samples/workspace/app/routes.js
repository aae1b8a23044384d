// Express routes: hover a status to see what it means; the linter checks 401 against 403.
const express = require('express');
const router = express.Router();

router.get('/reports', (req, res) => {
  if (!req.user) {
    return res.status(403).json({ error: 'log in first' });
  }
  if (!req.user.roles.includes('admin')) {
    return res.status(401).json({ error: 'admins only' });
  }
  res.json({ reports: [] });
});

router.post('/export', (req, res) => {
  res.sendStatus(429);
});

module.exports = router;
