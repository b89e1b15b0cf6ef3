const express = require('express');

// bench/run.sh's edit phase rewrites the marker below.
const release = 'bench-edit-0';

const router = express.Router();
router.get('/', (req, res) => res.json({ hello: req.cookies.name || 'world', release }));
router.get('/health', (req, res) => res.send('ok'));
module.exports = router;
